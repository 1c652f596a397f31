"""Parts of a project's detail that apps above projects provide (notifications: the policy's
deadlines), registered in their AppConfig.ready so that projects never imports them."""

from collections.abc import Callable

_SECTIONS: dict[str, Callable] = {}


def register_project_section(name: str, reader: Callable) -> None:
    """`reader(project)` → the section's rows (dicts)."""
    _SECTIONS[name] = reader


def project_section(name: str, project) -> list:
    """The registered section's rows, or [] when no installed app provides it."""
    reader = _SECTIONS.get(name)
    return list(reader(project)) if reader is not None else []
