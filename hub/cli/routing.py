"""`hub route --explain` and `hub config check`: routing questions answered without a broker."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from hub.routing.errors import RoutingError
from hub.settings import get_settings


@click.command(name="route")
@click.option("--explain", "files", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="XÖV message file to explain; repeat for several files.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for machines instead of text.")
def route_command(files: tuple[Path, ...], as_json: bool) -> None:
    """Show every recipient of a message and the rule that chose it, or why it would be parked.

    Uses the routing data in HUB_ROUTING_DIR; sends nothing. Exits 1 when any file would be parked.
    """
    from hub.app.factory import load_routing
    from hub.routing.explain import as_text, explain

    settings = get_settings()
    try:
        routing = load_routing(settings)
    except RoutingError as exc:
        raise click.ClickException(str(exc)) from exc
    accounts = {str(path): explain(path.read_bytes(), routing, max_bytes=settings.max_message_bytes)
                for path in files}
    if as_json:
        click.echo(json.dumps(accounts, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(as_text(name, account) for name, account in accounts.items()))
    if any("parked" in account for account in accounts.values()):
        sys.exit(1)


@click.group(name="config")
def config_group() -> None:
    """Check the hub's configuration."""


@config_group.command(name="check")
def check_command() -> None:
    """Run every check `hub run` runs at start: directory, code lists, rules, secrets, channels, tokens file and
    Kafka client settings.

    Prints what was loaded (with code list versions) and the authority keys the project chose itself, which an
    operator must confirm; exits 1 with file, rule and field on the first error.
    """
    from hub.preflight import PreflightError, preflight

    settings = get_settings()
    try:
        checked = preflight(settings)
    except PreflightError as exc:
        raise click.ClickException(str(exc)) from exc
    directory, rules = checked.routing.directory, checked.routing.rules
    click.echo(f"Verzeichnis: {settings.routing_dir / 'authorities.toml'}")
    for uri, version in sorted(directory.versions.items()):
        click.echo(f"  Codeliste {uri}, Version {version}")
    states = sorted({m.state_name for m in directory.municipalities.values()})
    click.echo(f"  {len(directory.municipalities)} Gemeinden ({', '.join(states)}), "
               f"{len(directory.authorities)} Behörden, Rollen: {', '.join(sorted(directory.roles))}")
    click.echo(f"Regeln:      {rules.path}")
    click.echo(f"  {len(rules.rules)} Regeln, {len(rules.roles)} abgeleitete Rollen, {len(rules.policies)} Richtlinien")
    provisional = sorted((a for a in directory.authorities.values() if a.provisional), key=lambda a: (a.role, a.key))
    if provisional:
        click.echo(f"Zu bestätigen: {len(provisional)} Schlüssel hat das Projekt selbst gewählt; vor dem Betrieb im "
                   "DVDV (oder bei der Stelle, die die Codeliste führt) bestätigen und in authorities.toml "
                   "provisional entfernen:")
        for authority in provisional:
            click.echo(f"  {authority.key:<18} {authority.name} [{authority.role}]")
    channels = Counter(a.delivery.channel for a in directory.authorities.values())
    click.echo(f"Kanäle:      {', '.join(f'{count} {name}' for name, count in sorted(channels.items()))}")
    click.echo(f"Geheimnisse: {settings.secrets_file or 'keine (HUB_SECRETS_FILE nicht gesetzt)'}")
    click.echo(f"Tokens:      {settings.tokens_path}, {len(checked.tokens.grants)} Tokens")
    click.echo("Konfiguration gültig.")
