// The Java half of the HdrHistogram interoperability test (run_interop.sh
// drives both halves), run against Debian's reference implementation
// (libhdrhistogram-java).
//
//   java HdrDecodeCheck CPP_TSV JAVA_TSV
//
// CPP_TSV is hdr_fixture's output: name, encode_hdr() base64, count, the
// expected highestEquivalentValue:count list, the expected p:value list.
// Each line is decoded with decodeFromCompressedByteBuffer and compared; the
// inflated bytes must also equal Java's own uncompressed encoding of what it
// decoded, so a difference the decoder tolerates still shows.
//
// JAVA_TSV is written for `hdr_fixture --check-java`: histograms built and
// encoded here, each with the raw values recorded (value:times).
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

public final class HdrDecodeCheck {
  private static final long HIGHEST_NS = 60_000_000_000L;

  private HdrDecodeCheck() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java HdrDecodeCheck CPP_TSV JAVA_TSV");
      System.exit(2);
    }
    int failures = 0;
    int lines = 0;
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (line.isEmpty()) continue;
      ++lines;
      List<String> problems = checkCppLine(line);
      if (!problems.isEmpty()) {
        ++failures;
        problems.forEach(System.out::println);
      }
    }
    if (lines == 0) {
      System.out.println(args[0] + " holds no histograms");
      failures = 1;
    }
    writeJavaHistograms(Path.of(args[1]));
    System.exit(failures == 0 ? 0 : 1);
  }

  // Every disagreement between the line's expectations and what the
  // reference decoder makes of its encoding; empty when they agree.
  private static List<String> checkCppLine(String line) {
    List<String> problems = new ArrayList<>();
    String[] f = line.split("\t", -1);
    if (f.length != 5) {
      problems.add("malformed line (" + f.length + " fields): " + line);
      return problems;
    }
    String name = f[0];
    byte[] bytes = Base64.getDecoder().decode(f[1]);
    long count = Long.parseLong(f[2]);
    Histogram h;
    try {
      h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
    } catch (DataFormatException | RuntimeException e) {
      problems.add(name + ": Java refused the encoding: " + e);
      return problems;
    }

    if (h.getTotalCount() != count) problems.add(name + ": getTotalCount " + h.getTotalCount() + ", expected " + count);
    if (h.getNumberOfSignificantValueDigits() != 3)
      problems.add(name + ": " + h.getNumberOfSignificantValueDigits() + " significant digits, expected 3");
    if (h.getLowestDiscernibleValue() != 1)
      problems.add(name + ": lowest discernible value " + h.getLowestDiscernibleValue() + ", expected 1");
    if (h.getHighestTrackableValue() < HIGHEST_NS)
      problems.add(name + ": highest trackable value " + h.getHighestTrackableValue() + " < " + HIGHEST_NS);

    List<String> recorded = new ArrayList<>();
    for (HistogramIterationValue v : h.recordedValues())
      recorded.add(v.getValueIteratedTo() + ":" + v.getCountAtValueIteratedTo());
    List<String> expected = f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(","));
    if (!recorded.equals(expected)) {
      problems.add(name + ": recordedValues() differ");
      problems.add("  expected " + abbreviate(expected));
      problems.add("  Java     " + abbreviate(recorded));
    }
    if (count > 0 && !expected.isEmpty()) {
      String last = expected.get(expected.size() - 1);
      long top = Long.parseLong(last.substring(0, last.indexOf(':')));
      if (h.getMaxValue() != top) problems.add(name + ": getMaxValue " + h.getMaxValue() + ", expected " + top);
    }

    if (!f[4].isEmpty()) {
      for (String item : f[4].split(",")) {
        int colon = item.indexOf(':');
        String p = item.substring(0, colon);
        long want = Long.parseLong(item.substring(colon + 1));
        // The double nearest to 100p (99.99, not 100 * 0.9999), as a user
        // would write it.
        double percentile = new BigDecimal(p).scaleByPowerOfTen(2).doubleValue();
        long got = h.getValueAtPercentile(percentile);
        if (got != want) problems.add(name + ": getValueAtPercentile(" + percentile + ") " + got + ", expected " + want);
      }
    }

    compareWithJavaEncoding(name, bytes, expected, problems);
    if (problems.isEmpty())
      System.out.println("ok " + name + ": " + count + " samples, " + recorded.size() + " buckets");
    return problems;
  }

  // The C++ bytes, inflated, against encodeIntoByteBuffer of a histogram
  // Java builds from the expected counts: the same counts with the same
  // parameters must give the same bytes, header fields the decoder does not
  // check (the integer-to-double ratio) included. The deflated bytes may
  // differ with the zlib level, so they are not compared.
  private static void compareWithJavaEncoding(String name, byte[] bytes, List<String> expected, List<String> problems) {
    Histogram h = new Histogram(1, HIGHEST_NS, 3);
    for (String item : expected) {
      int colon = item.indexOf(':');
      h.recordValueWithCount(Long.parseLong(item.substring(0, colon)), Long.parseLong(item.substring(colon + 1)));
    }
    ByteBuffer outer = ByteBuffer.wrap(bytes);
    outer.getInt();
    int deflatedLength = outer.getInt();
    Inflater inflater = new Inflater();
    inflater.setInput(bytes, 8, deflatedLength);
    byte[] plain = new byte[h.getNeededByteBufferCapacity() + 64];
    int plainLength;
    try {
      plainLength = inflater.inflate(plain);
    } catch (DataFormatException e) {
      problems.add(name + ": the zlib stream does not inflate in Java: " + e);
      return;
    } finally {
      inflater.end();
    }
    ByteBuffer javaBuffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int javaLength = h.encodeIntoByteBuffer(javaBuffer);
    byte[] ours = Arrays.copyOf(plain, plainLength);
    byte[] theirs = Arrays.copyOf(javaBuffer.array(), javaLength);
    // Java writes the counts up to the index of its max value, which is 0
    // when nothing is recorded: one zero count (payload length 1) where
    // encode_hdr writes none. Both decode to an empty histogram, so Java's
    // form is compared without that count.
    if (h.getTotalCount() == 0 && theirs.length == ours.length + 1 && theirs[theirs.length - 1] == 0
        && ByteBuffer.wrap(theirs).getInt(4) == 1) {
      theirs = Arrays.copyOf(theirs, ours.length);
      ByteBuffer.wrap(theirs).putInt(4, 0);
    }
    int at = Arrays.mismatch(ours, theirs);
    if (at >= 0) {
      problems.add(name + ": inflated encoding (" + ours.length + " bytes) differs from Java's (" + theirs.length
          + " bytes) from byte " + at + ": ours " + hex(ours, at) + ", Java's " + hex(theirs, at));
    }
  }

  private static String hex(byte[] b, int from) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i < Math.min(b.length, from + 16); ++i) s.append(String.format("%02x", b[i] & 0xff));
    return s.length() == 0 ? "(end)" : s.toString();
  }

  private static String abbreviate(List<String> items) {
    String s = String.join(",", items);
    return s.length() <= 400 ? s : s.substring(0, 400) + "... (" + items.size() + " entries)";
  }

  // Histograms built by the reference implementation, for hdr_fixture
  // --check-java: nothing recorded; a few hundred known values across the
  // range; counts large enough to need every byte of ZigZag LEB128.
  private static void writeJavaHistograms(Path path) throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8))) {
      out.println(line("java_empty", new TreeMap<>()));

      Map<Long, Long> known = new TreeMap<>();
      for (long i = 0; i < 300; ++i) known.merge(i * i * i * 7 + i, 1L, Long::sum);
      for (long v : new long[] {0, 1, 2047, 2048, 2049, 4095, 1_000_000, 59_999_999_999L, HIGHEST_NS})
        known.merge(v, 3L, Long::sum);
      out.println(line("java_known_values", known));

      Map<Long, Long> big = new TreeMap<>();
      big.put(5L, (1L << 62) + 1);  // ZigZag 2^63 + 2: the ninth byte's top bit
      big.put(3000L, 12_345L);
      big.put(HIGHEST_NS, (1L << 60) + 1);
      out.println(line("java_huge_counts", big));
    }
  }

  private static String line(String name, Map<Long, Long> values) {
    Histogram h = new Histogram(1, HIGHEST_NS, 3);
    List<String> listed = new ArrayList<>();
    for (Map.Entry<Long, Long> e : values.entrySet()) {
      h.recordValueWithCount(e.getKey(), e.getValue());
      listed.add(e.getKey() + ":" + e.getValue());
    }
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    String base64 = Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    return name + "\t" + base64 + "\t" + h.getTotalCount() + "\t" + String.join(",", listed);
  }
}
