"""`jihua-kit class serve|report|list|purge`: class sessions (the live quiz) from the command line.

jihua-kit class serve --session NAME [--db PATH] [--host H] [--port P] [--trainer-port P] [--pool N] [--cap N]
jihua-kit class report --session NAME [--db PATH] [--out 成绩.xlsx] [--json]
jihua-kit class list [--json]
jihua-kit class purge --session NAME [--db PATH] [--yes]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jihua_kit.cli.common import add_common
from jihua_kit.core.i18n import t

NAME = "class"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from jihua_kit.classes.server import DEFAULT_TRAINER_PORT
    from jihua_kit.room import server as app_server

    parser = sub.add_parser(NAME, help=t("class.help"), description=t("class.help"))
    actions = parser.add_subparsers(dest="class_command", required=True)

    def session_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--session", required=True, help=t("class.help.session"))
        p.add_argument("--db", type=Path, default=None, help=t("class.help.db"))

    serve = actions.add_parser("serve", help=t("class.help.serve"), description=t("class.help.serve"))
    session_args(serve)
    serve.add_argument("--host", default=app_server.DEFAULT_HOST, help=t("app.help.host"))
    serve.add_argument("--port", type=int, default=app_server.DEFAULT_PORT, help=t("app.help.port"))
    serve.add_argument("--token-file", default="", help=t("app.help.token_file"))
    serve.add_argument("--trainer-host", default=app_server.DEFAULT_HOST, help=t("class.help.trainer_host"))
    serve.add_argument("--trainer-port", type=int, default=DEFAULT_TRAINER_PORT, help=t("class.help.trainer_port"))
    serve.add_argument("--trainer-token-file", default="", help=t("class.help.trainer_token_file"))
    app_server.add_room_args(serve)
    add_common(serve, json_flag=False)

    report = actions.add_parser("report", help=t("class.help.report"), description=t("class.help.report"))
    session_args(report)
    report.add_argument("--out", type=Path, default=None, help=t("class.help.out"))
    add_common(report)

    listing = actions.add_parser("list", help=t("class.help.list"), description=t("class.help.list"))
    add_common(listing)

    purge = actions.add_parser("purge", help=t("class.help.purge"), description=t("class.help.purge"))
    session_args(purge)
    purge.add_argument("--yes", action="store_true", help=t("class.help.yes"))
    add_common(purge, json_flag=False)
    return parser


def _path(args: argparse.Namespace) -> Path:
    from jihua_kit.classes.store import check_session_name, default_db

    check_session_name(args.session)
    return args.db if args.db else default_db(args.session)


def run_serve(args: argparse.Namespace) -> int:
    import os

    from jihua_kit.classes.server import TRAINER_TOKEN_ENV, serve
    from jihua_kit.room import server as app_server

    token = app_server.read_token(args.token_file, os.environ)
    trainer_token = app_server.read_token(args.trainer_token_file, os.environ, TRAINER_TOKEN_ENV)
    return serve(args.session, args.db, args.host, args.port, token, args.trainer_host, args.trainer_port,
                 trainer_token, args.lang, app_server.room_from(args))  # fmt: skip


def run_report(args: argparse.Namespace) -> int:
    from jihua_kit.classes.report import load_results, report_json, report_text, write_report
    from jihua_kit.classes.store import ClassStore

    with ClassStore.open(_path(args), args.session, check=True) as store:
        res = load_results(store)
    if args.out:
        write_report(res, args.out, args.lang)
    if args.json:
        print(json.dumps(report_json(res), ensure_ascii=False, indent=2))
    elif args.out:
        print(t("class.report_written", args.lang, path=args.out, trainees=len(res.trainees), questions=len(res.keys)))
    else:
        print(report_text(res, args.lang))
    return 0


def session_rows(lang: str = "zh") -> list[dict]:
    """One record per session file in the classes folder (a file that cannot be read says why)."""
    from jihua_kit.classes.store import ClassStore, class_dir
    from jihua_kit.core.errors import KitError

    rows = []
    for path in sorted(class_dir().glob("*.sqlite")):
        try:
            with ClassStore.open(path) as store:
                info, keys = store.session(), store.keys()
                rows.append({
                    "session": info.name, "file": str(path), "trainees": len(store.trainees()),
                    "answers": len(store.answers()), "questions": len(keys),
                    "revealed": sum(k.state == "revealed" for k in keys.values()), "created_at": info.created_at,
                    "ended_at": info.ended_at,
                })  # fmt: skip
        except KitError as err:
            rows.append({"session": path.stem, "file": str(path), "error": err.message(lang)})
    return rows


def run_list(args: argparse.Namespace) -> int:
    from jihua_kit.classes.store import class_dir
    from jihua_kit.core.textfmt import table

    rows = session_rows(args.lang)
    if args.json:
        print(json.dumps({"folder": str(class_dir()), "sessions": rows}, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(t("class.list_none", args.lang, path=class_dir()))
        return 0
    lines = []
    for r in rows:
        if "error" in r:
            lines.append((r["session"], "", "", "", t("class.list_bad", args.lang, message=r["error"]), "", r["file"]))
            continue
        state = t("class.state_ended" if r["ended_at"] else "class.state_running", args.lang)
        lines.append((r["session"], r["trainees"], r["answers"], f"{r['revealed']}/{r['questions']}", state,
                      r["created_at"], r["file"]))  # fmt: skip
    print(table(t("class.list_head", args.lang).split("|"), lines))
    return 0


def run_purge(args: argparse.Namespace) -> int:
    from jihua_kit.classes.store import session_files

    path = _path(args)
    files = session_files(path)
    if not files:
        print(t("class.purge_nothing", args.lang, session=args.session, path=path), file=sys.stderr)
        return 1
    if not args.yes:
        print(t("class.purge_ask", args.lang, session=args.session, files=", ".join(map(str, files))), end="",
              flush=True)  # fmt: skip
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes", "是", "确定"):
            print(t("class.purge_kept", args.lang))
            return 1
    for f in files:
        f.unlink()
    print(t("class.purge_done", args.lang, session=args.session, n=len(files)))
    return 0


def run(args: argparse.Namespace) -> int:
    return {"serve": run_serve, "report": run_report, "list": run_list, "purge": run_purge}[args.class_command](args)
