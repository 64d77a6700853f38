//! Hands the crossbeam versions that Cargo.lock pins to the plugin's version
//! string (src/lib.rs), so what qbench records in every results file is what
//! was built, never a number typed in by hand that drifts.

use std::env;
use std::fs;
use std::path::Path;

/// The version Cargo.lock gives package `name`; the lock file is cargo's own
/// output, where `version` is always the line after `name`.
fn locked_version(lock: &str, name: &str) -> String {
    let header = format!("name = \"{}\"\n", name);
    let after = match lock.find(&header) {
        Some(at) => &lock[at + header.len()..],
        None => panic!("Cargo.lock names no package {}", name),
    };
    let line = after.lines().next().unwrap_or("");
    match line.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')) {
        Some(version) => version.to_string(),
        None => panic!("Cargo.lock: no version line after {}", name),
    }
}

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lock_path = Path::new(&manifest_dir).join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path)
        .unwrap_or_else(|e| panic!("{}: {}", lock_path.display(), e));
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
    for (crate_name, variable) in [
        ("crossbeam-queue", "QB_CROSSBEAM_QUEUE_VERSION"),
        ("crossbeam-channel", "QB_CROSSBEAM_CHANNEL_VERSION"),
    ] {
        println!("cargo:rustc-env={}={}", variable, locked_version(&lock, crate_name));
    }
}
