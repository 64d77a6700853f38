"""What matplotlib works out again for every renderer and every draw, worked
out once: the same pixels, drawn sooner.

Input: none. Output: none; qbfigure.pyplot() calls share() once, after
matplotlib is imported on the Agg backend.

A figure gets a new Agg renderer whenever its size changes: its own at
first, another when qbfigure.save crops it. matplotlib keys its text
extents and its parsed mathtext (10^3 tick labels) by renderer, so the
PNG's draw measured and parsed every label again after the layout had, and
each figure measured "p50" and "producers (threads)" anew. And an axis,
placing its label, updates its ticks and measures their labels a second
time where they were just updated and measured (matplotlib does so to align
labels across panels, which no figure here asks for). share() keeps each of
these by what it depends on.

Each part checks that matplotlib has what it replaces, as this was written
against (Debian 12's matplotlib 3.6); where it has not, that part is left
out and only the speed changes, never a figure.
"""

from __future__ import annotations

import functools
import weakref


def share() -> None:
    """Installs the three parts, once."""
    import matplotlib

    if getattr(matplotlib, "_qb_shared", False):
        return
    matplotlib._qb_shared = True
    _text_extents()
    _mathtext()
    if matplotlib.__version__.startswith("3.6."):
        _tick_label_boxes()


def _text_extents() -> None:
    """One text-extent cache for every Agg renderer: an Agg renderer's
    extent of a text depends on the text, the font and the dpi alone (the
    font is set at the renderer's dpi, hinting is a global setting). Any
    other renderer (SVG) takes matplotlib's own path."""
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg

    own = getattr(mtext, "_get_text_metrics_with_cache", None)
    if own is None:
        return
    measurer = functools.cache(lambda dpi: RendererAgg(1, 1, dpi))

    @functools.lru_cache(8192)
    def extent(text, fontprop, ismath, dpi):
        return measurer(dpi).get_text_width_height_descent(text, fontprop, ismath)

    def metrics(renderer, text, fontprop, ismath, dpi):
        if type(renderer) is not RendererAgg or dpi != renderer.dpi:
            return own(renderer, text, fontprop, ismath, dpi)
        return extent(text, fontprop.copy(), ismath, dpi)  # a copy: the caller may change its font later

    mtext._get_text_metrics_with_cache = metrics


def _mathtext() -> None:
    """One mathtext parser for every Agg renderer: its parse is kept by the
    text, the dpi and the font, and its result (a glyph image) is only read."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.mathtext import MathTextParser

    made = RendererAgg.__init__
    shared = MathTextParser("Agg")

    @functools.wraps(made)
    def init(self, *args, **kwargs):
        made(self, *args, **kwargs)
        if isinstance(getattr(self, "mathtext_parser", None), MathTextParser):
            self.mathtext_parser = shared

    RendererAgg.__init__ = init


def _tick_label_boxes() -> None:
    """Axis.draw and Axis.get_tightbbox update the ticks, then place the
    axis label from the tick labels' boxes of the axis and its alignment
    siblings (_get_tick_boxes_siblings), which updates the ticks and
    measures them again. Without siblings (no align_labels) those are the
    ticks just updated: their boxes are measured once and kept, for that
    one update and renderer."""
    from matplotlib.axis import Axis

    update_ticks, boxes, siblings = Axis._update_ticks, Axis._get_ticklabel_bboxes, Axis._get_tick_boxes_siblings

    def _update_ticks(self):
        ticks = update_ticks(self)
        self._qb_ticks, self._qb_boxes = ticks, None
        return ticks

    def _get_ticklabel_bboxes(self, ticks, renderer=None):
        held = self.__dict__.get("_qb_boxes")
        if held is not None and held[0] is ticks and renderer is not None and held[1]() is renderer:
            return list(held[2]), list(held[3])
        got = boxes(self, ticks, renderer)
        if renderer is not None and ticks is self.__dict__.get("_qb_ticks"):
            self._qb_boxes = (ticks, weakref.ref(renderer), list(got[0]), list(got[1]))
        return got

    def _get_tick_boxes_siblings(self, renderer):
        ticks = self.__dict__.get("_qb_ticks")
        names = [name for name, axis in self.axes._axis_map.items()
                 if name in self.figure._align_label_groups and axis is self]
        if ticks is None or len(names) != 1 or \
                list(self.figure._align_label_groups[names[0]].get_siblings(self.axes)) != [self.axes]:
            return siblings(self, renderer)
        return self._get_ticklabel_bboxes(ticks, renderer)

    Axis._update_ticks = _update_ticks
    Axis._get_ticklabel_bboxes = _get_ticklabel_bboxes
    Axis._get_tick_boxes_siblings = _get_tick_boxes_siblings


def warm(dpi: float = 90) -> None:
    """Builds what matplotlib builds on first use, in a process that forks
    one per figure (report_figures): the mathtext grammar (a tenth of a
    small figure's time) and the fonts, regular and bold."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    renderer = RendererAgg(1, 1, dpi)
    renderer.mathtext_parser.parse(r"$\mathdefault{10^{3}}$", dpi, FontProperties())
    for weight in ("normal", "bold"):
        renderer.get_text_width_height_descent("0", FontProperties(weight=weight), False)
