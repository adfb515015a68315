"""Who may write what on a team server (issue 19, point 4): each coder connects to the PostgreSQL
project as their own database role, and the database enforces what the core enforces.

``setup(conn)`` (``annotator server setup URL``), run once by the role that owns the project's
tables (the one that ran ``annotator init``), in one transaction, idempotent:

- two group roles named after the database (``role_names``: ``<db>_lead`` and ``<db>_coders``), so
  two projects on one cluster never share them; the role running setup joins the lead group;
- the lead group may write every table: documents, schema (categories), coders (annotators),
  settings, gold (decisions and the gold annotator's annotations), anyone's statuses;
- the coders group reads the project and writes only annotations and document statuses, and
  row-level security keeps those writes to the coder's own rows: ``annotator_roles`` maps a database
  role to its ``annotators`` row (a server-only table), and each policy compares ``annotator_id``
  with the row of ``current_user``; a row trigger refuses a coder's UPDATE or DELETE of another
  coder's row with an error (SQLSTATE 42501) instead of letting it match 0 rows;
- blind coding: while the project's ``blind_coding`` setting is true, a coder's SELECT sees only
  their own annotations (and no gold decisions);
- CONNECT on the database to the two groups only (when the role running setup owns the database);
- the live-update triggers of core/storage/notify.py.

``add_coder(conn, role)`` (``annotator server add-coder URL ROLE``) makes a LOGIN role (no password:
Annotator never stores one; the coder sets it with psql's ``\\password``, or the admin uses another
authentication method), puts it in the coders (or lead) group and maps it to an annotators row,
made when the project has no coder of that name.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from annotator.core.errors import AnnotatorError, ValidationError, one_line, quoted
from annotator.core.storage import notify, pg_schema
from annotator.core.storage.location import Location, parse_location
from annotator.core.storage.tables import GOLD_ID, new_id, now

ROLES_TABLE = "annotator_roles"
# Tables a coder writes, under the row-level security policies below.
CODER_TABLES = ("annotations", "document_status")
# Caches any client may bring up to date, where the server has them (the sort and search keys of
# annotation_keys.py and document_search.py): triggers on annotations write them as the coder who
# made the change, and the app indexes documents in idle time. They hold nothing that is not derived
# from the tables above; a coder who spoils them spoils only sorting and filtering.
CACHE_TABLES = ("annotation_keys", "annotation_search", "annotation_keys_stale", "document_search",
                "document_search_keys")
# Tables that must exist before setup: those of a project (annotator init).
PROJECT_TABLES = ("project", "documents", "categories", "annotators", "settings", "document_status",
                  "annotations", "decisions")
_MAX_IDENTIFIER = 63  # PostgreSQL's NAMEDATALEN - 1, in bytes
_SETUP_LOCK = 0x616E6E6F726F6C65  # pg_advisory_xact_lock key: one setup at a time on the cluster


class ServerSetupError(AnnotatorError):
    """The server refused or cannot take the roles (not a project, not set up, not allowed)."""


@dataclass(frozen=True)
class RoleNames:
    lead: str
    coders: str


@dataclass(frozen=True)
class SetupReport:
    database: str
    roles: RoleNames
    owner: str  # the role that ran setup (and joined the lead group)
    connect_restricted: bool  # CONNECT revoked from PUBLIC (only when the owner owns the database)
    created_roles: tuple[str, ...]  # the group roles made by this run (none when run again)
    search_indexes: bool = True  # pg_trgm's indexes are there (pg_schema.install_search_indexes)


@dataclass(frozen=True)
class Coder:
    role: str
    annotator_id: str
    name: str
    lead: bool
    created_role: bool = False
    created_annotator: bool = False


def role_names(database: str) -> RoleNames:
    """The group roles of the project in ``database``: ``<db>_lead``, ``<db>_coders``. A name that
    is not a plain lower-case identifier of at most 40 bytes is cleaned and given a hash of the
    real name, so that two databases never share roles."""
    base = re.sub(r"[^a-z0-9_]", "_", database.lower())
    if base != database or len(base.encode()) > 40 or not base[:1].isalpha():
        digest = hashlib.sha256(database.encode()).hexdigest()[:8]
        base = f"{base[:30] or 'db'}_{digest}"
        if not base[0].isalpha():
            base = "db_" + base
    return RoleNames(lead=f"{base}_lead", coders=f"{base}_coders")


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _check_role_name(role: str) -> str:
    if not isinstance(role, str) or not role.strip() or role != role.strip():
        raise ValidationError(f"{quoted(str(role), 40)}: a role name must be non-empty, without spaces around it")
    if len(role.encode()) > _MAX_IDENTIFIER:
        raise ValidationError(f"{quoted(role, 70)}: a role name is at most {_MAX_IDENTIFIER} bytes")
    if role.lower().startswith("pg_") or any(ord(c) < 32 for c in role):
        raise ValidationError(f"{quoted(role, 70)}: role names starting with pg_ or holding control "
                              "characters are PostgreSQL's own")
    return role


def _scalar(conn: Connection, sql: str, **params):
    return conn.execute(text(sql), params).scalar()


def _role(conn: Connection, name: str):
    return conn.execute(text("SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = :n"), {"n": name}).first()


def _direct_member(conn: Connection, member: str, group: str) -> bool:
    """Whether ``member`` was granted ``group`` (pg_has_role is true for any superuser)."""
    return bool(_scalar(conn, "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                              "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = :g AND u.rolname = :u)",
                        g=group, u=member))


def _existing_tables(conn: Connection) -> set[str]:
    rows = conn.execute(text("SELECT table_name FROM information_schema.tables "
                             "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"))
    return {r[0] for r in rows}


def _my_annotator() -> str:
    return f"(SELECT r.annotator_id FROM {ROLES_TABLE} r WHERE r.role_name = current_user)"


BLIND_ON = ("EXISTS (SELECT 1 FROM settings s WHERE s.key = 'blind_coding' "
            "AND s.value::jsonb = 'true'::jsonb)")


def _policies(roles: RoleNames) -> dict[str, list[str]]:
    """CREATE POLICY statements per table (each dropped first, so a new setup replaces them)."""
    lead, coders, mine = ident(roles.lead), ident(roles.coders), _my_annotator()
    own = f"annotator_id = {mine}"
    out: dict[str, list[str]] = {}
    for table in CODER_TABLES:
        read = f"{own} OR NOT {BLIND_ON}" if table == "annotations" else "true"
        out[table] = [
            f"CREATE POLICY annotator_lead_all ON {table} FOR ALL TO {lead} USING (true) WITH CHECK (true)",
            f"CREATE POLICY annotator_coder_read ON {table} FOR SELECT TO {coders} USING ({read})",
            f"CREATE POLICY annotator_coder_insert ON {table} FOR INSERT TO {coders} WITH CHECK ({own})",
            # Another coder's rows stay visible to UPDATE and DELETE, so that the trigger of
            # _guard_sql refuses them with an error rather than matching 0 rows in silence.
            f"CREATE POLICY annotator_coder_update ON {table} FOR UPDATE TO {coders} USING (true) "
            f"WITH CHECK ({own})",
            f"CREATE POLICY annotator_coder_delete ON {table} FOR DELETE TO {coders} USING (true)",
        ]
    out["decisions"] = [
        f"CREATE POLICY annotator_lead_all ON decisions FOR ALL TO {lead} USING (true) WITH CHECK (true)",
        f"CREATE POLICY annotator_coder_read ON decisions FOR SELECT TO {coders} USING (NOT {BLIND_ON})",
    ]
    return out


def _guard_sql(roles: RoleNames) -> str:
    """A BEFORE UPDATE OR DELETE row trigger's function: a role outside the lead group changing
    or deleting a row of another coder (or of the gold standard) gets SQLSTATE 42501, the error
    of a refused privilege, naming the table."""
    return f"""
CREATE OR REPLACE FUNCTION annotator_own_rows_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF OLD.annotator_id IS DISTINCT FROM {_my_annotator()}
     AND NOT pg_has_role(current_user, {_quote(roles.lead)}, 'MEMBER') THEN
    RAISE EXCEPTION 'permission denied for this row of table %%: it is another coder''s', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'a coder changes and deletes only their own rows; the project''s lead may change any';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$fn$"""


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# The annotation key caches hold each annotation's quote and note: a coder sees a key row only when
# the annotation is visible to them (the subquery applies the annotations' own policies, so blind
# coding hides the keys too), or when its annotation is gone (so that the trigger deleting the keys
# of a deleted annotation, running as the coder, finds them); they may write any (the keys are
# rebuilt from the annotations). Whether an annotation exists at all is asked of a SECURITY DEFINER
# function, as the coder's own query cannot tell a hidden annotation from a deleted one.
KEY_TABLES = ("annotation_keys", "annotation_search")
KEY_GONE = """
CREATE OR REPLACE FUNCTION annotator_annotation_gone(key_rid bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $fn$
  SELECT NOT EXISTS (SELECT 1 FROM public.annotations a WHERE a.rowid = key_rid)
$fn$"""


def _key_policies(roles: RoleNames, table: str) -> list[str]:
    lead, coders = ident(roles.lead), ident(roles.coders)
    visible = (f"EXISTS (SELECT 1 FROM annotations a WHERE a.rowid = {table}.rid) "
               f"OR annotator_annotation_gone({table}.rid)")
    return [
        f"CREATE POLICY annotator_lead_all ON {table} FOR ALL TO {lead} USING (true) WITH CHECK (true)",
        f"CREATE POLICY annotator_coder_read ON {table} FOR SELECT TO {coders} USING ({visible})",
        f"CREATE POLICY annotator_coder_insert ON {table} FOR INSERT TO {coders} WITH CHECK (true)",
        f"CREATE POLICY annotator_coder_update ON {table} FOR UPDATE TO {coders} USING (true) WITH CHECK (true)",
        f"CREATE POLICY annotator_coder_delete ON {table} FOR DELETE TO {coders} USING (true)",
    ]


POLICY_NAMES = ("annotator_lead_all", "annotator_coder_read", "annotator_coder_insert",
                "annotator_coder_update", "annotator_coder_delete")


def setup(conn: Connection) -> SetupReport:
    """Create or bring up to date the project's roles, grants, row-level security and live-update
    triggers on ``conn`` (a SQLAlchemy Connection in a transaction, as the owner of the tables)."""
    database, me = conn.execute(text("SELECT current_database(), current_user")).one()
    missing = [t for t in PROJECT_TABLES if t not in _existing_tables(conn)]
    if missing:
        raise ServerSetupError(f"database {database} holds no Annotator project (no table {missing[0]}): "
                               "create it first with annotator init URL")
    owner = _scalar(conn, "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
                          "AND tablename = 'annotations'")
    if owner != me and not _role(conn, me).rolsuper:
        raise ServerSetupError(f"the project's tables belong to the role {owner}; run annotator server setup "
                               f"as {owner} (you are {me})")
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SETUP_LOCK})
    roles = role_names(database)
    created = []
    for name in (roles.lead, roles.coders):
        row = _role(conn, name)
        if row is None:
            conn.execute(text(f"CREATE ROLE {ident(name)} NOLOGIN"))
            created.append(name)
        elif row.rolcanlogin:
            raise ServerSetupError(f"a role named {name} exists and can log in: Annotator needs that name for "
                                   f"the group of database {database} (rename or drop that role first)")
    if not _direct_member(conn, me, roles.lead):
        conn.execute(text(f"GRANT {ident(roles.lead)} TO {ident(me)}"))

    conn.execute(text(f"CREATE TABLE IF NOT EXISTS {ROLES_TABLE} (role_name TEXT PRIMARY KEY, "
                      "annotator_id TEXT NOT NULL UNIQUE REFERENCES annotators(id) ON DELETE CASCADE)"))
    lead, coders = ident(roles.lead), ident(roles.coders)
    db_owner = _scalar(conn, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
    restricted = db_owner == me
    if restricted:  # only the database's owner may change who connects; others leave it to the admin
        conn.execute(text(f"REVOKE CONNECT ON DATABASE {ident(database)} FROM PUBLIC"))
        conn.execute(text(f"GRANT CONNECT ON DATABASE {ident(database)} TO {lead}, {coders}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {lead}, {coders}"))
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {lead}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {lead}, {coders}"))
    conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {coders}"))
    tables = _existing_tables(conn)
    writable = [t for t in CODER_TABLES + CACHE_TABLES if t in tables]
    conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(writable)} TO {coders}"))
    # Tables a later migration adds: readable by coders, writable by the lead (run setup again after
    # a migration to bring the policies and triggers up to date).
    conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {coders}"))
    conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE "
                      f"ON TABLES TO {lead}"))
    policies = _policies(roles)
    has_rowid = _scalar(conn, "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = "
                              "current_schema() AND table_name = 'annotations' AND column_name = 'rowid')")
    if has_rowid:
        conn.exec_driver_sql(KEY_GONE)
        conn.execute(text("REVOKE ALL ON FUNCTION annotator_annotation_gone(bigint) FROM PUBLIC"))
        conn.execute(text(f"GRANT EXECUTE ON FUNCTION annotator_annotation_gone(bigint) TO {lead}, {coders}"))
        for table in KEY_TABLES:
            if table in tables:
                policies[table] = _key_policies(roles, table)
    for table, statements in policies.items():
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        for name in POLICY_NAMES:
            conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
        for statement in statements:
            conn.execute(text(statement))
    conn.exec_driver_sql(_guard_sql(roles))  # through psycopg: its % doubled
    for table in CODER_TABLES:
        conn.execute(text(f"DROP TRIGGER IF EXISTS annotator_own_rows_only ON {table}"))
        conn.execute(text(f"CREATE TRIGGER annotator_own_rows_only BEFORE UPDATE OR DELETE ON {table} "
                          "FOR EACH ROW EXECUTE FUNCTION annotator_own_rows_only()"))
    notify.install(conn)
    indexed = pg_schema.install_search_indexes(conn)  # a project made where the role could not add pg_trgm
    return SetupReport(database=database, roles=roles, owner=me, connect_restricted=restricted,
                       created_roles=tuple(created), search_indexes=indexed)


def _require_setup(conn: Connection) -> RoleNames:
    database = _scalar(conn, "SELECT current_database()")
    roles = role_names(database)
    if ROLES_TABLE not in _existing_tables(conn) or _role(conn, roles.coders) is None:
        raise ServerSetupError(f"database {database} has no coder roles yet: run annotator server setup URL first")
    return roles


def add_coder(conn: Connection, role: str, name: str | None = None, lead: bool = False) -> Coder:
    """Make (or reuse) the LOGIN role ``role``, put it in the coders group (the lead group when
    ``lead``) and map it to the annotators row named ``name`` (default: the role's name), made when
    the project has none. Raises ServerSetupError or ValidationError with the reason."""
    roles = _require_setup(conn)
    role = _check_role_name(role)
    name = role if name is None else name
    if not name.strip():
        raise ValidationError("a coder's name must not be empty")
    if role in (roles.lead, roles.coders):
        raise ValidationError(f"{role} is one of the project's group roles, not a coder's")
    existing = _role(conn, role)
    if existing is not None and existing.rolsuper:
        raise ValidationError(f"{role} is a superuser: it would bypass every rule; give the coder a role of their own")
    if existing is not None and not existing.rolcanlogin:
        raise ValidationError(f"a role named {role} exists and cannot log in (a group?); choose another name")
    if existing is None:
        conn.execute(text(f"CREATE ROLE {ident(role)} LOGIN"))
    group, other = (roles.lead, roles.coders) if lead else (roles.coders, roles.lead)
    conn.execute(text(f"GRANT {ident(group)} TO {ident(role)}"))
    if existing is not None and _direct_member(conn, role, other):
        conn.execute(text(f"REVOKE {ident(other)} FROM {ident(role)}"))
    ids = [r[0] for r in conn.execute(text("SELECT id FROM annotators WHERE name = :n ORDER BY id"), {"n": name})]
    if len(ids) > 1:
        raise ValidationError(f"the project has {len(ids)} coders named {quoted(name, 60)}; rename one first "
                              "(annotator coders --rename)")
    created_annotator = not ids
    annotator_id = new_id() if created_annotator else ids[0]
    if annotator_id == GOLD_ID:
        raise ValidationError("the gold standard is made by adjudication, not by a coder's role")
    if created_annotator:
        conn.execute(text("INSERT INTO annotators (id, name, created) VALUES (:i, :n, :c)"),
                     {"i": annotator_id, "n": name, "c": now()})
    taken = _scalar(conn, f"SELECT role_name FROM {ROLES_TABLE} WHERE annotator_id = :a AND role_name <> :r",
                    a=annotator_id, r=role)
    if taken is not None:
        raise ValidationError(f"coder {quoted(name, 60)} already connects as the role {taken}")
    conn.execute(text(f"INSERT INTO {ROLES_TABLE} (role_name, annotator_id) VALUES (:r, :a) "
                      "ON CONFLICT (role_name) DO UPDATE SET annotator_id = EXCLUDED.annotator_id"),
                 {"r": role, "a": annotator_id})
    return Coder(role=role, annotator_id=annotator_id, name=name, lead=lead, created_role=existing is None,
                 created_annotator=created_annotator)


def coders(conn: Connection) -> list[Coder]:
    """Every mapped role with its coder, by role name."""
    roles = _require_setup(conn)
    rows = conn.execute(text(f"SELECT r.role_name, r.annotator_id, a.name, pg_has_role(r.role_name, :lead, 'MEMBER') "
                             f"FROM {ROLES_TABLE} r JOIN annotators a ON a.id = r.annotator_id "
                             "WHERE EXISTS (SELECT 1 FROM pg_roles p WHERE p.rolname = r.role_name) "
                             "ORDER BY r.role_name"), {"lead": roles.lead})
    return [Coder(role=r[0], annotator_id=r[1], name=r[2], lead=bool(r[3])) for r in rows]


def annotator_of(conn: Connection) -> str | None:
    """The annotators id mapped to the connection's role (``current_user``), or None."""
    if ROLES_TABLE not in _existing_tables(conn):
        return None
    return _scalar(conn, f"SELECT annotator_id FROM {ROLES_TABLE} WHERE role_name = current_user")


# What a refusal of the server means for these commands (SQLSTATE: hint).
_HINTS = {
    "42501": "the role running this needs CREATEROLE to make roles (as a superuser: ALTER ROLE name CREATEROLE), "
             "and must own the project's tables",
}


@contextmanager
def transaction(url: str | Location) -> Iterator[Connection]:
    """A connection to the server project ``url`` in one transaction (committed when the block
    ends, rolled back on an error); the server's refusals become ServerSetupError naming the URL
    without its password."""
    location = url if isinstance(url, Location) else parse_location(url)
    shown = location.safe_display()
    if not location.is_server:
        raise ValidationError(f"{shown}: a team server is a PostgreSQL URL (postgresql://user@host/dbname), "
                              "not a file")
    engine = create_engine(location.engine_url())
    try:
        with engine.begin() as conn:
            yield conn
    except DBAPIError as exc:
        code = getattr(exc.orig, "sqlstate", None)
        reason = one_line(str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__)
        hint = _HINTS.get(code or "")
        raise ServerSetupError(f"{shown}: {reason}" + (f" ({hint})" if hint else "")) from None
    except AnnotatorError as exc:
        raise type(exc)(f"{shown}: {exc}") from None
    finally:
        engine.dispose()
