"""How `resources/evaluation/sample-gold.jsonl` was made: every labelling decision on the sample
corpus, applied with the tool's own edits in the `gold` layer of a pre-annotated project.

    annotator import /tmp/p.db corpus/ && annotator preannotate /tmp/p.db
    python benchmarks/evaluation_set.py /tmp/p.db
    annotator export /tmp/p.db --format jsonl --gold --status any \
        --output resources/evaluation/sample-gold.jsonl

The stock suggestions (en_core_web_sm 3.8.0 and the trigger rules as of this commit) are
accepted, relabelled, resized or rejected by their start offset; missing entities, triggers and
arguments are added. Conventions: resources/evaluation/README.md.
"""
import sys

from annotator import operations as edits
from annotator.journal import perform
from annotator.model import GOLD, SUGGESTIONS, SpanKind, Status
from annotator.store import Store

DOC = {1: "pakistan-army-chief-kabul", 2: "pompeo-to-meet-counterpart-new-york",
       3: "trump-kim-second-summit-february", 4: "us-north-korea-talks-this-week"}

# entity corrections to the stock suggestions: start -> new label | None (reject) |
# (new start, new text, label) ; plus additions (start, text, label)
RELABEL = {
 1: {1142: None, 1260: "ORG", 1452: "ORG", 1532: "PERSON", 428: None, 436: None,
     418: (418, "Tehreek-e-Taliban Pakistan", "ORG"), 1380: None},
 2: {85: None, 632: "PERSON", 1096: "GPE", 1418: "PERSON",
     1506: (1506, "three or four", "CARDINAL"), 1545: (1545, "US", "GPE"), 1892: "GPE",
     2332: "ORG"},
 3: {61: (54, "end of February", "DATE"), 347: None, 494: "FAC", 914: "PERSON", 1032: "FAC",
     1217: None, 1478: "FAC", 1665: None, 1840: (1840, "Andrew Harnik", "PERSON"), 1928: None,
     2400: "PERSON", 2508: "PERSON", 3042: "GPE", 3131: "GPE", 3274: "PERSON", 3298: "PERSON",
     4244: "GPE", 4364: (4366, "New Year’s Day", "DATE"), 4687: (4687, "Moon Jae-in", "PERSON"),
     4750: "GPE", 5246: (5246, "North", "GPE"), 6030: "GPE", 6090: "GPE", 6852: "GPE",
     7060: (7060, "Lee soo-hyuck", "PERSON"), 7162: "PERSON", 7222: "PERSON", 7333: "PERSON"},
 4: {273: None, 614: "GPE", 646: "PERSON", 965: "ORG", 1413: (1408, "this week", "DATE"),
     1720: None, 1763: (1763, "Kim", "PERSON"), 1828: "PERSON", 2109: "GPE", 2179: None,
     2373: None, 3808: None, 2331: "GPE", 2832: "GPE", 3891: "GPE", 3341: "PERSON",
     3844: "GPE", 4109: None},
}
ADD = {
 1: [(276, "ISLAMABAD", "GPE"), (336, "Syed Asim Munir", "PERSON"),
     (1195, "Syed Asim Munir", "PERSON"),
     (1361, "National Ulema and Mashaikh Conference", "EVENT")],
 2: [(0, "Pompeo", "PERSON"), (22, "NK", "GPE")],
 3: [(0, "Trump", "PERSON"), (134, "1/18/2019", "DATE"), (597, "Trump", "PERSON"),
     (1854, "AFP", "ORG"), (1858, "Getty Images", "ORG"), (5201, "Korean War", "EVENT"),
     (5252, "U. S.", "GPE"), (5719, "UNSC", "ORG"), (7119, "North", "GPE"),
     (7125, "a decade and a half ago", "DATE"), (7242, "U.S.", "GPE"),
     (7677, "Denyer", "PERSON")],
 4: [(0, "SEOUL", "GPE"), (1769, "New Year", "DATE")],
}
# triggers: stock trigger start -> arguments [(role, entity start)], or None to reject
E, P, T = "Entity", "Place", "Time"
TRIGGERS = {
 1: {133: [], 237: [(T, 216)], 257: [(T, 216)], 650: [(P, 661)], 758: [("Target", 774)],
     890: [(T, 901)], 942: [(T, 901)], 953: [(T, 901)],
     1032: [(E, 991), (E, 1007), (P, 1041), (P, 1048), (P, 1060), (T, 1078)],
     1595: [("Destination", 1601), ("Origin", 1615)], 1711: [], 1928: [(P, 1947)],
     2110: [("Victim", 2086), (P, 2162)], 2123: [(P, 2162)], 2374: [],
     2469: [("Attacker", 2440)]},
 2: {17: [(E, 0), (E, 22), (P, 40), (T, 49)], 115: [(E, 91), (E, 129), (P, 157), (T, 166)],
     188: [], 222: [], 290: [(T, 318)], 353: [(P, 342)],
     404: [("Artifact", 389), ("Destination", 412)],
     657: [(E, 632), (E, 643), (P, 664), (T, 676)], 713: [(E, 686), (E, 729)], 756: [],
     795: [("Artifact", 768), ("Destination", 815)], 863: [(T, 882), (P, 893)],
     989: [(E, 905), (E, 1004), (T, 1033)], 1077: [], 1146: [], 1204: [(T, 1235)],
     1391: [(E, 1376), (E, 1379)], 1451: [(E, 1418), (E, 1456)], 1486: [],
     1591: [(T, 1617)], 1648: [(E, 1656)], 1911: []},
 3: {9: [(E, 0), (E, 39), (T, 54)], 261: [(E, 235), (E, 293), (T, 308)], 365: [],
     420: [(T, 428)], 466: [(E, 460), (E, 515), (P, 494)], 621: [(E, 597), (E, 643), (T, 677)],
     869: [], 924: [(E, 914), (E, 933), (T, 884)], 984: [(E, 996)],
     1015: [("Destination", 1032), (T, 1051)], 1084: [(T, 1091), (P, 1111)],
     1130: [("Artifact", 1159), ("Destination", 1142)],
     1173: [(E, 1159), (E, 1223), (P, 1249)], 1307: [],
     1469: [("Artifact", 1463), ("Destination", 1478)],
     1775: [("Artifact", 1671), ("Artifact", 1751), ("Destination", 1799), (T, 1636)],
     1788: [(E, 1671), (E, 1751), (P, 1799), (T, 1636)],
     2038: [("Artifact", 1934), ("Artifact", 2014), ("Destination", 2062), (T, 1899)],
     2051: [(E, 1934), (E, 2014), (P, 2062), (T, 1899)],
     2161: [("Agent", 2129), ("Target", 2174)], 2322: [], 2382: [], 2445: [],
     2524: [(E, 2508)], 2823: [], 2994: [], 3093: [], 3164: [(E, 3228)], 3249: [(T, 3266)],
     3293: [(E, 3274), (E, 3298), (P, 3333), (T, 3348)],
     3317: [(E, 3274), (E, 3298), (P, 3333), (T, 3348)], 3421: [(E, 3362), (E, 3439)],
     3461: [(E, 3362), (E, 3478)], 3758: [], 4116: [(E, 4086), (T, 4127)],
     4477: [("Agent", 4449)], 5226: [], 5330: [], 5404: [], 5598: [],
     5684: [("Agent", 5724), (T, 5759)],
     7097: [(E, 7060), (E, 7083), (E, 7119), (T, 7125)], 7158: [(E, 7060), (E, 7162), (T, 7169)],
     7470: [("Agent", 7452), ("Origin", 7495)]},
 4: {65: [(E, 7), (E, 29), (P, 74), (T, 96)], 126: [], 194: [],
     241: [(E, 279), (E, 324), (T, 355), (T, 367)], 451: [], 528: [(E, 556), (E, 593)],
     641: [(E, 614), (E, 646)], 783: [(E, 752), (E, 763), (T, 788)],
     833: [("Artifact", 803), ("Destination", 839), (T, 869)], 996: [],
     1008: [(E, 1015), (E, 1029)], 1045: None, 1371: [], 1420: [(T, 1408)],
     1611: [("Artifact", 1586), ("Destination", 1620), (T, 1630)], 1651: [(E, 1586), (T, 1672)],
     1695: [], 1823: [(E, 1763), (E, 1828)], 2301: [("Agent", 2251)], 2533: [], 2591: [],
     3185: [(E, 3200), (E, 3210), (T, 3230), (T, 3247)], 3336: [(E, 3306), (E, 3341)],
     3362: [(E, 3306), (E, 3403), (T, 3370)], 3468: [(E, 3415), (E, 3480)],
     3503: [(E, 3415)], 3564: [], 3916: [], 3969: [(E, 3945), (E, 3949), (T, 3975)],
     4032: [(E, 4008), (E, 4012), (T, 4038)],
     4077: [(E, 4115), (E, 4160), (T, 4191), (T, 4203)], 4234: [],
     4246: [(E, 4253), (E, 4267)], 4283: None},
}

# triggers the rules missed: doc -> [(start, word, event type, arguments)]
NEW_TRIGGERS = {
 2: [(931, "interview", "Contact:Meet", [(E, 905), (E, 946), (T, 923)])],
 3: [(1560, "join", "Contact:Meet", [(E, 1518), (E, 1565)]),
     (4955, "consulting", "Contact:Meet", [(E, 4905), (E, 4921)])],
 4: [(2354, "sending", "Movement:Transport", [("Agent", 2331)])],
}
#: OntoNotes: the definite article is not part of a name, unless it is part of a title
ARTICLE_FREE = {"ORG", "GPE", "FAC", "LOC", "EVENT", "NORP", "PRODUCT", "LAW"}
TITLES = {"The Washington Post"}


def build(path):
    store = Store(path, create=False)
    schema = store.schema
    for number, name in DOC.items():
        doc = store.document_by_name(name)
        text = doc.text
        suggestions = store.spans(doc.id, SUGGESTIONS)
        entities = {s.start: s for s in suggestions if s.kind is SpanKind.ENTITY}
        triggers = {s.start: s for s in suggestions if s.kind is SpanKind.TRIGGER}
        mine = {}
        def apply(edit):
            perform(store, edit, annotator=GOLD)
            return edit
        for start, span in sorted(entities.items()):
            change = RELABEL[number].get(start, span.label)
            if change is None:
                apply(edits.reject(store, span, GOLD))
            elif isinstance(change, tuple):
                new_start, new_text, label = change
                assert text[new_start:new_start + len(new_text)] == new_text, (name, change)
                end = new_start + len(new_text)
                edit = apply(edits.resize(store, span, new_start, end, GOLD))
                if label != span.label:
                    copy = store.get_span(edit.added.id)
                    apply(edits.relabel(store, copy, label, GOLD))
                mine[new_start] = store.get_span(edit.added.id)
            else:
                edit = apply(edits.relabel(store, span, change, GOLD))
                mine[start] = store.get_span(edit.added.id)
        for start, word, label in ADD[number]:
            assert text[start:start + len(word)] == word, (name, start, word)
            assert start not in mine, (name, start)
            edit = apply(edits.new_span(doc.id, start, start + len(word), label, GOLD))
            mine[start] = edit.added
        for start, span in sorted(triggers.items()):
            arguments = TRIGGERS[number][start]
            if arguments is None:
                apply(edits.reject(store, span, GOLD))
                continue
            edit = apply(edits.relabel(store, span, span.label, GOLD))
            trigger = store.get_span(edit.added.id)
            for role, at in arguments:
                problem = schema.check_argument(trigger.label, role, mine[at].label)
                assert problem is None, (name, start, role, at, problem)
                apply(edits.set_argument(store, trigger, role, mine[at]))
        for start, word, label, arguments in NEW_TRIGGERS.get(number, []):
            assert text[start:start + len(word)] == word, (name, start, word)
            edit = apply(edits.new_span(doc.id, start, start + len(word), label, GOLD,
                                        SpanKind.TRIGGER))
            for role, at in arguments:
                problem = schema.check_argument(label, role, mine[at].label)
                assert problem is None, (name, start, role, at, problem)
                apply(edits.set_argument(store, edit.added, role, mine[at]))
        for span in mine.values():
            words = text[span.start:span.end]
            if span.label in ARTICLE_FREE and words not in TITLES and \
                    words.lower().startswith("the "):
                current = store.get_span(span.id)
                apply(edits.resize(store, current, span.start + 4, span.end, GOLD))
        missing = {s for s, a in TRIGGERS[number].items() if a is not None} - set(triggers)
        assert not missing, (name, missing)
        store.set_status(doc.id, GOLD, Status.DONE)
    store.close()


if __name__ == "__main__":
    build(sys.argv[1])
