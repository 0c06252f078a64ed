"""`hub token add|list`: API tokens for the specialist systems and the portal."""

from __future__ import annotations

import click

from hub.auth import AuthError
from hub.auth.authorities import check_authorities
from hub.auth.tokens import TokenFileError, TokenStore, add_token
from hub.routing.errors import RoutingError
from hub.settings import Settings, get_settings


@click.group(name="token")
def token_group() -> None:
    """Manage API tokens (stored as SHA-256 hashes in HUB_TOKENS_FILE, default <HUB_DATA_DIR>/tokens.toml)."""


@token_group.command(name="add")
@click.option("--system", required=True, help="Name of the system the token is for, e.g. 'Gewerbeamt Bensheim'.")
@click.option("--authority", "authorities", multiple=True,
              help="DVDV key (prefix:key) of the directory the system may send as and read for; repeat for several.")
@click.option("--all-cases", is_flag=True, help="May read every case timeline (the citizen portal).")
@click.option("--clerk", is_flag=True,
              help="A front-desk clerk of the --authority given: the counter page /schalter, whole cases of them.")
@click.option("--operator", is_flag=True, help="An IT operator: the operator page /ops (no --authority needed).")
def add_command(system: str, authorities: tuple[str, ...], all_cases: bool, clerk: bool, operator: bool) -> None:
    """Create a token, store its hash and print the token once: keep it, it cannot be shown again.

    Each --authority must be a key of the directory (HUB_ROUTING_DIR); a mistyped one is refused and the key it
    probably means is named. Workers read the tokens file at start; restart them after adding a token.
    """
    if not authorities and not all_cases and not operator:
        raise click.UsageError("give at least one --authority, or --all-cases, or --operator")
    if clerk and not authorities:
        raise click.UsageError("a --clerk token needs the --authority (or authorities) the clerk works for")
    settings = get_settings()
    path = settings.tokens_path
    try:
        check_authorities(authorities, _directory_keys(settings))
        token = add_token(path, system, authorities, all_cases=all_cases, clerk=clerk, operator=operator)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Token for {system} (stored as a hash in {path}):", err=True)
    click.echo(token)


def _directory_keys(settings: Settings) -> frozenset[str]:
    """The authority keys of the directory `hub run` loads (HUB_ROUTING_DIR)."""
    from hub.app.factory import codelist_dir
    from hub.routing.directory import Directory

    try:
        directory = Directory.load(settings.routing_dir / "authorities.toml", codelist_dir(settings))
    except RoutingError as exc:
        raise click.ClickException(f"das Verzeichnis lässt sich zur Prüfung der Behörden nicht laden: {exc}") from exc
    return frozenset(directory.authorities)


@token_group.command(name="list")
def list_command() -> None:
    """List the systems that have tokens and what they may act for (never the tokens)."""
    path = get_settings().tokens_path
    try:
        store = TokenStore.load(path)
    except TokenFileError as exc:
        raise click.ClickException(str(exc)) from exc
    if not store.grants:
        click.echo(f"No tokens in {path}: every API call except /healthz and /metrics is refused.")
        return
    for grant in store.grants.values():
        scope = ", ".join(grant.authorities) or "-"
        roles = [name for name, on in (("all cases", grant.all_cases), ("clerk", grant.clerk),
                                       ("operator", grant.operator)) if on]
        extra = f" ({', '.join(roles)})" if roles else ""
        click.echo(f"{grant.system}: {scope}{extra}")
