"""The article: read-only text with spans, suggestions, triggers and label tags painted on it.

Why a `QTextEdit` with custom painting instead of character formats: formats would make every
edit re-format (and re-layout) text, and cannot show nested spans or tags. Here the text is laid
out once per document (lazily, as Qt lays out only what is shown), the lines are twice the font
height so tags fit beneath the words, and each paint draws only the spans that intersect the
visible text range, found by bisection. An edit therefore costs one small query and one repaint
of the viewport, whatever the article's length.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from annotator.gui import styles
from annotator.gui.session import Session
from annotator.model import Span, SpanKind

ASTRAL = re.compile("[\U00010000-\U0010ffff]")
LINE_HEIGHT_PERCENT = 210
PARAGRAPH_GAP = 6


class Offsets:
    """Python code points <-> Qt's UTF-16 positions (they differ after emoji and other astral
    characters)."""

    def __init__(self, text: str):
        self.astral = [m.start() for m in ASTRAL.finditer(text)]
        self.astral_qt = [p + i for i, p in enumerate(self.astral)]

    def to_qt(self, pos: int) -> int:
        return pos + bisect_left(self.astral, pos) if self.astral else pos

    def to_py(self, pos: int) -> int:
        return pos - bisect_left(self.astral_qt, pos) if self.astral else pos


class ArticleView(QTextEdit):
    #: a click on a span (its id) or on plain text (-1)
    spanClicked = Signal(int)
    #: a right click: the span under the mouse (or -1) and the global position
    contextRequested = Signal(int, QPoint)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("articleView")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setFrameShape(QTextEdit.NoFrame)
        self.viewport().setCursor(Qt.IBeamCursor)
        font = QFont(self.font())
        font.setPointSizeF(max(11.5, font.pointSizeF() + 1.5))
        self.setFont(font)
        self.offsets = Offsets("")
        self.find_ranges: list[tuple[int, int]] = []
        self._depth: dict[int, int] = {}
        self._longest = 0
        #: where the last paint put each label tag (tags are clickable too)
        self._tags: list[tuple[QRectF, Span]] = []
        self._press: QPoint | None = None
        session.documentOpened.connect(self._load_document)
        session.annotationsChanged.connect(self._index_spans)
        session.selectionChanged.connect(self.viewport().update)

    # --- document ----------------------------------------------------------------------------
    def _load_document(self) -> None:
        text = self.session.view.doc.text
        self.offsets = Offsets(text)
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(28)
        cursor = QTextCursor(doc)
        block = QTextBlockFormat()
        block.setLineHeight(LINE_HEIGHT_PERCENT, QTextBlockFormat.ProportionalHeight.value)
        block.setBottomMargin(PARAGRAPH_GAP)
        cursor.setBlockFormat(block)
        # Qt folds "\r\n" into one paragraph break; a space keeps every offset where it was.
        cursor.insertText(text.replace("\r", " "))
        self.setDocument(doc)  # the old document, owned by this view, is deleted by Qt
        self.find_ranges = []
        self.moveCursor(QTextCursor.Start)

    def _index_spans(self) -> None:
        """Nesting depth of every span: depth n draws its underline and tag n steps lower."""
        depth: dict[int, int] = {}
        active: list[tuple[int, int]] = []
        longest = 0
        for span in self.session.view.spans:
            active = [(end, d) for end, d in active if end > span.start]
            used = {d for _, d in active}
            d = 0
            while d in used:
                d += 1
            depth[span.id] = d
            active.append((span.end, d))
            longest = max(longest, span.end - span.start)
        self._depth, self._longest = depth, longest
        self.viewport().update()

    # --- geometry ----------------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (self.offsets.to_py(cursor.selectionStart()),
                self.offsets.to_py(cursor.selectionEnd()))

    def show_span(self, span: Span) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_qt(span.end))
        self.setTextCursor(cursor)
        cursor.setPosition(self.offsets.to_qt(span.start))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def select_text(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.offsets.to_qt(start))
        cursor.setPosition(self.offsets.to_qt(end), QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def visible_range(self) -> tuple[int, int]:
        vp = self.viewport().rect()
        first = self.cursorForPosition(QPoint(0, 0)).position()
        last = self.cursorForPosition(QPoint(vp.width(), vp.height())).position()
        return self.offsets.to_py(first), self.offsets.to_py(last) + 1

    def _visible_spans(self, first: int, last: int) -> list[Span]:
        view = self.session.view
        lo = bisect_left(view.starts, first - self._longest)
        hi = bisect_right(view.starts, last)
        return [s for s in view.spans[lo:hi] if s.end > first]

    def _rects(self, start: int, end: int, offset: QPointF) -> list[QRectF]:
        """One rectangle per line the text [start, end) covers, in viewport coordinates."""
        doc = self.document()
        layout = doc.documentLayout()
        qs, qe = self.offsets.to_qt(start), self.offsets.to_qt(end)
        rects = []
        block = doc.findBlock(qs)
        while block.isValid() and block.position() < qe:
            origin = layout.blockBoundingRect(block).topLeft() + offset
            text_layout = block.layout()
            s, e = qs - block.position(), qe - block.position()
            for i in range(text_layout.lineCount()):
                line = text_layout.lineAt(i)
                ls, le = line.textStart(), line.textStart() + line.textLength()
                if le <= s or ls >= e:
                    continue
                x1 = line.cursorToX(max(s, ls))[0]
                x2 = line.cursorToX(min(e, le))[0]
                rects.append(QRectF(origin.x() + x1, origin.y() + line.y(), max(2.0, x2 - x1),
                                    line.height()))
            block = block.next()
        return rects

    def span_at(self, point: QPoint) -> Span | None:
        """The innermost span under `point`, on its text or on its tag."""
        if self.session.view is None:
            return None
        where = QPointF(point)
        offset = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        pos = self.offsets.to_py(self.cursorForPosition(point).position())
        hits = [s for s in self._visible_spans(pos - 1, pos + 1) if s.start <= pos <= s.end
                and any(r.contains(where) for r in self._rects(s.start, s.end, offset))]
        hits += [span for rect, span in self._tags if rect.contains(where)
                 and span.id in self.session.view.by_id]
        return min(hits, key=lambda s: (s.end - s.start, -s.start)) if hits else None

    # --- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        view = self.session.view
        if view is None:
            super().paintEvent(event)
            return
        offset = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        first, last = self.visible_range()
        shapes = [(s, self._rects(s.start, s.end, offset))
                  for s in self._visible_spans(first, last)]
        palette = self.palette()
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.Antialiasing)
        for span, rects in sorted(shapes, key=lambda item: self._depth.get(item[0].id, 0)):
            self._paint_fill(painter, span, rects, palette)
        self._paint_find(painter, first, last, offset)
        painter.end()

        super().paintEvent(event)

        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.Antialiasing)
        self._tags = []
        for span, rects in shapes:
            self._paint_underline(painter, span, rects, palette)
        self._paint_frame(painter, shapes, palette)
        self._paint_tags(painter, shapes, palette)
        painter.end()

    def _paint_fill(self, painter: QPainter, span: Span, rects: list[QRectF],
                    palette: QPalette) -> None:
        color = self.session.schema.color(span.label)
        suggestion = self.session.view.is_suggestion(span)
        painter.setPen(Qt.NoPen)
        painter.setBrush(styles.fill(color, palette, suggestion=suggestion))
        for r in rects:
            painter.drawRoundedRect(r.adjusted(-1, 0, 1, 1), 3, 3)

    def _underline_y(self, span: Span, rect: QRectF) -> float:
        return rect.bottom() + 2 + 3 * min(self._depth.get(span.id, 0), 3)

    def _paint_underline(self, painter: QPainter, span: Span, rects: list[QRectF],
                         palette: QPalette) -> None:
        color = styles.stroke(self.session.schema.color(span.label), palette)
        suggestion = self.session.view.is_suggestion(span)
        trigger = span.kind is SpanKind.TRIGGER
        pen = QPen(color, 2.6 if trigger else 1.6)
        pen.setCapStyle(Qt.FlatCap)
        if suggestion:
            pen.setStyle(Qt.CustomDashLine)
            pen.setDashPattern([2.5, 2])
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        for r in rects:
            y = self._underline_y(span, r)
            painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
            if trigger:
                border = QPen(color, 1.2, Qt.DashLine if suggestion else Qt.SolidLine)
                painter.setPen(border)
                painter.drawRoundedRect(r.adjusted(-1.5, -0.5, 1.5, 0.5), 3, 3)
                painter.setPen(pen)

    def _paint_frame(self, painter: QPainter, shapes: list[tuple[Span, list[QRectF]]],
                     palette: QPalette) -> None:
        """The selected span, and the current event's trigger and arguments."""
        selected = self.session.selected_id
        event = self.session.current_event()
        roles: dict[int, str] = {}
        if event is not None:
            roles = {span.id: a.role for a, span in self.session.view.arguments_of(event)}
        for span, rects in shapes:
            if span.id == selected:
                pen = QPen(palette.color(QPalette.Highlight), 2.2)
            elif span.id in roles or (event is not None and span.id == event.id):
                pen = QPen(styles.stroke(self.session.schema.color(event.label), palette), 1.6,
                           Qt.DashLine)
            else:
                continue
            painter.setPen(pen)
            painter.setBrush(Qt.NoBrush)
            for r in rects:
                painter.drawRoundedRect(r.adjusted(-3, -2, 3, 2), 4, 4)

    def _paint_tags(self, painter: QPainter, shapes: list[tuple[Span, list[QRectF]]],
                    palette: QPalette) -> None:
        """Small label chips under the first line of each span, pushed right if they collide."""
        font = QFont(self.font())
        font.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.62))
        font.setBold(True)
        italic = QFont(font)
        italic.setItalic(True)
        italic.setBold(False)
        metrics, italic_metrics = QFontMetricsF(font), QFontMetricsF(italic)
        event = self.session.current_event()
        roles: dict[int, str] = {}
        if event is not None:
            roles = {span.id: a.role for a, span in self.session.view.arguments_of(event)}
        ends: dict[int, float] = {}
        placed = sorted(((s, rects[0]) for s, rects in shapes if rects),
                        key=lambda item: (round(item[1].bottom()), item[1].left()))
        for span, rect in placed:
            suggestion = self.session.view.is_suggestion(span)
            text = span.label + ("?" if suggestion else "")
            if span.id in roles:
                text = f"{roles[span.id]} · {text}"
            m = italic_metrics if suggestion else metrics
            line = round(rect.bottom())
            x = max(rect.left(), ends.get(line, -1e9) + 3)
            y = self._underline_y(span, rect) + 2.5
            chip = QRectF(x, y, m.horizontalAdvance(text) + 8, m.height() + 1)
            ends[line] = chip.right()
            color = QColor(self.session.schema.color(span.label))
            if suggestion:
                painter.setPen(QPen(styles.stroke(color.name(), palette), 1, Qt.DashLine))
                painter.setBrush(QBrush(palette.color(QPalette.Base)))
                painter.drawRoundedRect(chip, 3, 3)
                painter.setPen(palette.color(QPalette.Text))
                painter.setFont(italic)
            else:
                painter.setPen(Qt.NoPen)
                painter.setBrush(color)
                painter.drawRoundedRect(chip, 3, 3)
                painter.setPen(styles.TAG_INK)
                painter.setFont(font)
            painter.drawText(chip, Qt.AlignCenter, text)
            self._tags.append((chip, span))

    def _paint_find(self, painter: QPainter, first: int, last: int, offset: QPointF) -> None:
        if not self.find_ranges:
            return
        starts = [s for s, _ in self.find_ranges]
        lo, hi = bisect_left(starts, first - 200), bisect_right(starts, last)
        painter.setPen(QPen(QColor(230, 160, 0), 1.5))
        painter.setBrush(QColor(255, 200, 0, 70))
        for start, end in self.find_ranges[lo:hi]:
            for r in self._rects(start, end, offset):
                painter.drawRect(r)

    # --- mouse -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        moved = (self._press is None
                 or (event.position().toPoint() - self._press).manhattanLength() > 3)
        if event.button() == Qt.LeftButton and not moved and not self.textCursor().hasSelection():
            span = self.span_at(event.position().toPoint())
            self.spanClicked.emit(span.id if span else -1)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        span = self.span_at(event.pos())
        self.contextRequested.emit(span.id if span else -1, event.globalPos())
