"""``annotator server setup|add-coder|coders URL``: the roles of a team server (issue 19, point 4;
docs/team-server.md). Each coder connects as their own PostgreSQL role; these commands make the
project's group roles, grants and row-level security, and each coder's role."""

from __future__ import annotations

import argparse

from annotator.cli.output import Parser, table


def _server_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="server_command", metavar="ACTION", parser_class=Parser, required=True)
    q = sub.add_parser("setup", help="make the project's lead and coder roles, grants, row-level security and "
                                     "live-update triggers (run by the owner of the tables; safe to run again)")
    q.add_argument("project", metavar="URL", help="the project's PostgreSQL URL (postgresql://user@host/dbname)")
    q = sub.add_parser("add-coder", help="make a coder's login role (no password: they set it with psql's "
                                         "\\password) and map it to the coder of that name")
    q.add_argument("project", metavar="URL")
    q.add_argument("role", metavar="ROLE", help="the database role the coder logs in as")
    q.add_argument("--name", metavar="NAME", help="the coder's name in the project (default: ROLE); made when the "
                                                  "project has no coder of that name")
    q.add_argument("--lead", action="store_true", help="put the role in the lead group instead: it manages "
                                                       "documents, schema, coders, settings and gold")
    q = sub.add_parser("coders", help="list the roles that may connect and the coder each one is")
    q.add_argument("project", metavar="URL")
    p.set_defaults(func=cmd_server)


ARGUMENTS = {"server": _server_arguments}


def cmd_server(args: argparse.Namespace) -> int:
    from annotator.core.storage import server_roles

    with server_roles.transaction(args.project) as conn:
        if args.server_command == "setup":
            report = server_roles.setup(conn)
        elif args.server_command == "add-coder":
            coder = server_roles.add_coder(conn, args.role, args.name, lead=args.lead)
        else:
            rows = server_roles.coders(conn)
    if args.server_command == "setup":
        made = f"made {', '.join(report.created_roles)}" if report.created_roles else "roles already there"
        connect = ("only their members may connect" if report.connect_restricted else
                   f"CONNECT left as it was: {report.owner} does not own database {report.database}")
        print(f"set up database {report.database}: lead group {report.roles.lead}, coders group "
              f"{report.roles.coders} ({made}; {report.owner} is in the lead group; {connect})")
        if not report.search_indexes:
            print("no pg_trgm on this server for this role: the documents and annotation filters scan (slower on "
                  "large projects); a superuser may run CREATE EXTENSION pg_trgm in the database, then run setup again")
        print(f"next: annotator server add-coder {args.project} ROLE --name NAME, for each coder")
    elif args.server_command == "add-coder":
        role = "made the login role" if coder.created_role else "the existing role"
        who = "made the coder" if coder.created_annotator else "the coder"
        print(f"{role} {coder.role} ({'lead' if coder.lead else 'coder'}) is {who} {coder.name}")
        if coder.created_role:
            print(f"no password is set: the coder sets one with psql's \\password (logged in as {coder.role}), "
                  "or the server's admin chooses another authentication method")
    elif not rows:
        print("no coder roles yet: annotator server add-coder URL ROLE --name NAME")
    else:
        print(table(["role", "coder", "group"], [[c.role, c.name, "lead" if c.lead else "coders"] for c in rows]))
    return 0
