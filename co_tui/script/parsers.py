"""The options of ``co-tui download``, ``create``, ``attach`` and ``detach`` (argparse only:
importing this module costs nothing at start-up)."""

from __future__ import annotations

import argparse

__all__ = ["add_parsers", "positive"]

_FORMATTER = argparse.RawDescriptionHelpFormatter


def positive(text: str) -> int:
    """An integer of at least 1 (for ``--limit``, ``--parallel``)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _download(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "download", help="download an asset, or files and folders of it",
        formatter_class=_FORMATTER,
        description=(
            "Download with the app's engine: parallel, size-checked, written to a temp file and\n"
            "renamed into place, never outside the destination; a large file resumes where an\n"
            "earlier run stopped. Inside a capsule, files of an asset mounted under /data are\n"
            "copied from there. A progress bar on a terminal, a summary on stderr; in a pipe\n"
            "stdout lists the local path of each file. Exit 1 names each file that failed."),
        epilog=("examples:\n"
                "  co-tui download ID                       # the asset, into ./<mount>/\n"
                "  co-tui download ID results/summary.csv --to /scratch\n"
                "  co-tui download ID raw --zip raw.zip     # one archive, built as it streams"))
    p.add_argument("id", help="the asset's id")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders of the asset (default: all of it)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--to", metavar="DIR", help="the folder to download into (default: .)")
    where.add_argument("--zip", metavar="FILE",
                       help="write one zip archive FILE instead (the asset or one PATH)")
    p.add_argument("--parallel", type=positive, default=8, metavar="N",
                   help="transfers at once (default: 8)")
    policy = p.add_mutually_exclusive_group()
    policy.set_defaults(policy="skip")
    policy.add_argument("--skip", dest="policy", action="store_const", const="skip",
                        help="keep local files that exist (the default; a rerun resumes)")
    policy.add_argument("--overwrite", dest="policy", action="store_const", const="overwrite",
                        help="replace local files that exist")
    policy.add_argument("--rename", dest="policy", action="store_const", const="rename",
                        help="write next to existing files as 'name (1).ext'")
    return p


def _create(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "create", help="create a data asset from S3, a run's results or external assets",
        formatter_class=_FORMATTER,
        description=(
            "Create a data asset with the create dialog's rules: the request is checked first\n"
            "and sent once (a lost answer is looked for, never re-sent). Prints the new id;\n"
            "with --wait, follows it until ready (exit 0) or failed (exit 1, with the reason)."),
        epilog=("examples:\n"
                "  co-tui create --name 'Raw 661398' --s3 aind-open-data/ecephys_661398 --wait\n"
                "  co-tui create --name 'QC run' --computation RUN_ID --path qc --tag qc\n"
                "  co-tui create --name Both --combine ID1 ID2 --mount both"))
    p.add_argument("--name", required=True, help="the new asset's name")
    p.add_argument("--mount", help="its folder name under /data (default: made from the name)")
    p.add_argument("--description", default="", help="a description (several lines are fine)")
    p.add_argument("--tag", action="append", metavar="TAG", help="a tag (repeatable)")
    p.add_argument("--meta", action="append", metavar="KEY=VALUE",
                   help="a custom metadata field (repeatable)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--s3", metavar="BUCKET[/PREFIX]", help="import from an S3 bucket")
    source.add_argument("--computation", metavar="ID", help="capture a run's results")
    source.add_argument("--combine", nargs="+", metavar="ID",
                        help="combine two or more external assets")
    p.add_argument("--path", default="", metavar="FOLDER",
                   help="with --computation: a folder inside /results (default: all of it)")
    p.add_argument("--endpoint", default="", metavar="NAME",
                   help="with --s3: a custom S3 endpoint configured on the deployment")
    p.add_argument("--external", action="store_true",
                   help="with --s3: keep the files in the bucket (an external asset)")
    p.add_argument("--public", action="store_true", help="with --s3: the bucket is public")
    p.add_argument("--wait", action="store_true",
                   help="follow the new asset until it is ready or failed")
    p.add_argument("--json", action="store_true", help="print the asset as JSON, not its id")
    return p


def _attach(sub: argparse._SubParsersAction[argparse.ArgumentParser]
            ) -> list[argparse.ArgumentParser]:
    made = []
    for name, about in (("attach", "attach data assets to this capsule (inside a capsule)"),
                        ("detach", "detach data assets from this capsule (inside a capsule)")):
        p = sub.add_parser(name, help=about, description=(
            f"{about[0].upper()}{about[1:]}: the capsule is CO_CAPSULE_ID, which Code Ocean "
            "sets in capsules and cloud workstations. Each asset's outcome is a line on stderr; "
            "the ids done go to stdout."))
        p.add_argument("ids", nargs="+", metavar="ID", help="asset ids; - reads them from stdin")
        made.append(p)
    made[0].add_argument("--mount", metavar="NAME",
                         help="with one asset: mount it at /data/NAME instead of its own mount")
    return made


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]
                ) -> list[argparse.ArgumentParser]:
    """Add the four commands; returns their parsers (for the common options)."""
    return [_download(sub), _create(sub), *_attach(sub)]
