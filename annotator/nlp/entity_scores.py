"""A probability for every entity the NER suggests, from the NER's own transition scores.

spaCy's `ner` is a greedy transition parser: one BILUO action per token (Begin, In, Last,
Unit, Out, each with a label), the highest-scoring valid one taken. It keeps no probabilities,
and asking its beam for some (`beam_parse` + `scored_ents`) is no help with the stock
pipelines: they were trained greedily, so every beam agrees and every entity scores 1.0.

So this component runs the same greedy parse itself, keeping each step's scores, and gives an
entity the probability of its own actions along that path: softmax over the actions valid at
each step (outside an entity: Begin, Unit or Out with any label; inside one of label X: In-X or
Last-X), multiplied over the entity's tokens. The entities are the ones spaCy's parse gives
(the transitions are spaCy's own, only the scores are read); the probability is low where the
model hesitated between labels ("Trump" PERSON or ORG) or extents ("North" or "North Korea"),
which is what the queue and "hide unsure suggestions" need. It costs about as much as the NER
itself again, since the NER replaced does not run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Doc

#: where each doc keeps the probabilities of `doc.ents`, in their order (user_data travels with
#: the doc between spaCy's worker processes)
SCORES_KEY = "annotator.entity_scores"
FACTORY = "annotator_scored_ner"
#: its name in a pipeline
SCORED = "scored_ner"


class ScoredEntityRecognizer:
    """Stands in for a greedy `EntityRecognizer` in a pipeline: the same entities, scored."""

    def __init__(self, ner: EntityRecognizer, batch_size: int = 64):
        self.ner = ner
        self.batch_size = batch_size
        moves = ner.moves
        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        self.index = {name: i for i, name in enumerate(names)}
        action = np.array([n.split("-", 1)[0] for n in names])
        label = np.array([n.split("-", 1)[1] if "-" in n else "" for n in names])
        #: what may follow outside an entity, and inside one of each label
        self.outside = (np.isin(action, ["B", "U"]) & (label != "")) | (action == "O")
        self.inside = {lab: np.isin(action, ["I", "L"]) & (label == lab)
                       for lab in set(label) - {""}}

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        stream = iter(docs)
        while batch := list(islice(stream, batch_size or self.batch_size)):
            self._parse(batch)
            yield from batch

    def _parse(self, docs: list[Doc]) -> None:
        """Parse `docs` as `ner.predict` would, keeping every step's action scores."""
        ner = self.ner
        states = ner.moves.init_batch(docs)
        steps = [np.zeros((len(doc), ner.moves.n_moves), dtype="float32") for doc in docs]
        position = {id(state): k for k, state in enumerate(states)}
        todo = [state for state in states if not state.is_final()]
        if todo:
            model = ner.model.predict(docs)
            step = 0
            while todo:
                scores = model.predict(todo)
                # every action takes one token, so step t is token t of each unfinished doc
                for i, state in enumerate(todo):
                    steps[position[id(state)]][step] = scores[i]
                todo = ner.transition_states(todo, scores)
                step += 1
            model.clear_memory()
        ner.set_annotations(docs, states)
        for doc, scores in zip(docs, steps, strict=True):
            doc.user_data[SCORES_KEY] = self._entity_scores(doc, scores)

    def _entity_scores(self, doc: Doc, scores: np.ndarray) -> list[float | None]:
        """P(entity's actions) for each of `doc.ents`, normalised over the valid actions."""
        found: list[float | None] = []
        for ent in doc.ents:
            label = ent.label_
            if len(ent) == 1:
                actions = [f"U-{label}"]
            else:
                actions = [f"B-{label}"] + [f"I-{label}"] * (len(ent) - 2) + [f"L-{label}"]
            probability = 1.0
            for offset, name in enumerate(actions):
                taken = self.index.get(name)
                if taken is None:
                    return [None] * len(doc.ents)  # entities set by an earlier component
                valid = self.outside if offset == 0 else self.inside[label]
                row = scores[ent.start + offset]
                allowed = row[valid | (np.arange(len(row)) == taken)]
                top = allowed.max()
                probability *= float(np.exp(row[taken] - top) / np.exp(allowed - top).sum())
            found.append(round(probability, 4))
        return found


@Language.factory(FACTORY, default_config={"source": "ner"})
def make_scored_ner(nlp: Language, name: str, source: str) -> ScoredEntityRecognizer:
    return ScoredEntityRecognizer(nlp.get_pipe(source))


def score_entities(nlp: Language) -> Language:
    """Let `nlp`'s greedy NER score its entities: the scored parse runs in its place (the NER
    stays in the pipeline, disabled). Pipelines without one, or with a beam NER, are left."""
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    if not isinstance(ner, EntityRecognizer) or ner.cfg.get("beam_width", 1) != 1:
        return nlp
    nlp.add_pipe(FACTORY, name=SCORED, after="ner", config={"source": "ner"})
    nlp.disable_pipe("ner")
    return nlp
