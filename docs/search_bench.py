"""Chinese search on PostgreSQL: the three candidates of docs/search.md, measured.

Run from the worktree root (jieba only for this script, never a dependency of the app):

    PYTHONPATH=/tmp/search_jieba .venv/bin/python docs/search_bench.py --rows 300000 [--build]

It builds (with --build) a scratch database `zt_search_bench`: 2,000 appeal texts filled
from the demo's templates (zhitong/demo/data.py TEXTS), 20,000 enterprise names made by the
demo's name generator, and `--rows` appeals that reuse them (`INSERT … SELECT
generate_series`), with three search columns:

- `txt`   code, title, description and enterprise name in one text column, pg_trgm GIN;
- `doc`   our bigram tokens (zhitong/core/search.py) as a tsvector, GIN;
- `jdoc`  jieba's words (accurate mode) as a tsvector, GIN.

Then, for 2-, 3- and 4-character queries and a code lookup, it times a page (the 20 newest
matches) and the count of matches, each query 5 times; it prints median and p95 per class
and the matches each method finds against a plain `LIKE` (the truth).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

import psycopg

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhitong.settings")

QUERIES = {
    "2 chars": ["用地", "融资", "贷款", "补贴", "税务", "停电", "消防"],
    "3 chars": ["变压器", "生产线", "新能源", "容积率", "不动产"],
    "4 chars": ["用地指标", "融资担保", "资金周转", "产能下降", "消防验收"],
    "1 char": ["电", "税"],
}


def seeds(n_texts: int, n_names: int, rng: random.Random):
    import django

    django.setup()
    from zhitong.demo import data
    from zhitong.demo import enterprises as dent
    from zhitong.enterprises.choices import Industry

    templates = [t for group in data.TEXTS.values() for t in group]
    fill = {
        "months": lambda: rng.randint(2, 9),
        "n": lambda: rng.randint(5, 60),
        "amt": lambda: rng.randint(20, 900),
        "year": lambda: rng.choice([2023, 2024, 2025]),
        "days": lambda: rng.randint(5, 40),
        "item": lambda: rng.choice(data.ITEMS),
        "county": lambda: rng.choice(["鼓楼区", "仓山区", "闽侯县", "长乐区", "高新区"]),
        "lead": lambda: rng.choice(["市工信局", "市自然资源局", "国网榕城供电公司", "市税务局"]),
        "others": lambda: rng.choice(["市发改委、市住建局", "市生态环境局", "市人社局、市医保局"]),
    }
    texts = []
    for _ in range(n_texts):
        title, desc = rng.choice(templates)
        vals = {k: f() for k, f in fill.items()}
        texts.append((title.format(**vals), desc.format(**vals)))
    used: set[str] = set()
    locs = list(dent.PLACE_WORD)
    names = [
        dent._name(rng, rng.choice(locs), rng.choice(list(Industry.values)), used) for _ in range(n_names)
    ]
    return texts, names


def jieba_literal(*texts: str) -> str:
    import jieba

    from zhitong.core.search import _quote, normalize

    words = {}
    pos = 1
    for text in texts:
        for w in jieba.lcut(normalize(text)):
            w = w.strip()
            if w and any(c.isalnum() for c in w):
                words.setdefault(w[:32], []).append(min(pos, 16383))
            pos += 1
    return " ".join(f"{_quote(w)}:{','.join(map(str, ps[:256]))}" for w, ps in sorted(words.items()))


def phrase_literal(q: str) -> str:
    """The first design (kept for the comparison): each CJK run a phrase of its bigrams."""
    from zhitong.core.search import _quote, query_runs

    parts = []
    for run in query_runs(q):
        if run.cjk and len(run.text) > 1:
            grams = [_quote(run.text[i : i + 2]) for i in range(len(run.text) - 1)]
            parts.append("(" + " <-> ".join(grams) + ")")
        else:
            parts.append(_quote(run.text) + ":*")
    return " & ".join(parts)


def positions_literal(*texts: str) -> str:
    """Bigram lexemes with their positions (runs two apart), for the phrase design."""
    from zhitong.core.search import _quote, runs

    tokens, pos = {}, 1
    for text in texts:
        for run in runs(text):
            grams = (
                [run.text[i : i + 2] for i in range(len(run.text) - 1)] + [run.text[-1]]
                if run.cjk
                else [run.text]
            )
            for g in grams:
                tokens.setdefault(g, []).append(min(pos, 16383))
                pos += 1
            pos += 1
    return " ".join(f"{_quote(t)}:{','.join(map(str, ps[:256]))}" for t, ps in sorted(tokens.items()))


def jieba_query(q: str) -> str:
    import jieba

    from zhitong.core.search import _quote, normalize

    words = [w for w in jieba.lcut(normalize(q)) if w.strip() and any(c.isalnum() for c in w)]
    return " & ".join(_quote(w) for w in words)


def build(conn, rows: int) -> None:
    rng = random.Random(14)
    texts, names = seeds(2000, 20000, rng)
    cur = conn.cursor()
    cur.execute("DROP TABLE IF EXISTS appeal, seed_text, seed_ent")
    cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    cur.execute(
        "CREATE TABLE seed_text (id int primary key, title text, description text, doc tsvector, jdoc tsvector)"
    )
    cur.execute("CREATE TABLE seed_ent (id int primary key, name text, doc tsvector, jdoc tsvector)")
    with cur.copy("COPY seed_text FROM STDIN") as cp:
        for i, (t, d) in enumerate(texts):
            cp.write_row((i, t, d, positions_literal(t, d), jieba_literal(t, d)))
    with cur.copy("COPY seed_ent FROM STDIN") as cp:
        for i, n in enumerate(names):
            cp.write_row((i, n, positions_literal(n), jieba_literal(n)))
    t0 = time.perf_counter()
    cur.execute(
        """
        CREATE TABLE appeal AS
        SELECT g AS id,
               format('ZT-%%s-%%s', 2023 + g %% 3, lpad((g / 3)::text, 6, '0')) AS code,
               s.title, s.description, e.name AS ent_name,
               timestamptz '2023-01-01' + (g * interval '5 minutes') AS received_at,
               s.doc AS sdoc, e.doc AS edoc, s.jdoc AS sjdoc, e.jdoc AS ejdoc
        FROM generate_series(1, %(rows)s) g
        JOIN seed_text s ON s.id = (g::bigint * 7919) %% 2000
        JOIN seed_ent e ON e.id = (g::bigint * 104729) %% 20000
        """,
        {"rows": rows},
    )
    # The code's tokens as zhitong.appeals.search makes them: its words, itself, its number.
    cur.execute(
        """
        ALTER TABLE appeal ADD COLUMN txt text, ADD COLUMN doc tsvector, ADD COLUMN jdoc tsvector;
        UPDATE appeal SET
          txt = code || ' ' || title || ' ' || description || ' ' || ent_name,
          doc = format('zt:1 %s:3 %s:5 %s:1 %s:1', split_part(code,'-',2), split_part(code,'-',3),
                       ltrim(split_part(code,'-',3), '0'), 'zt')::tsvector || sdoc || edoc,
          jdoc = format('zt:1 %s:2 %s:3 %s:1', split_part(code,'-',2), split_part(code,'-',3),
                        lower(code))::tsvector || sjdoc || ejdoc;
        ALTER TABLE appeal DROP COLUMN sdoc, DROP COLUMN edoc, DROP COLUMN sjdoc, DROP COLUMN ejdoc;
        ALTER TABLE appeal ADD PRIMARY KEY (id);
        CREATE UNIQUE INDEX appeal_code ON appeal (code);
        CREATE INDEX appeal_received ON appeal (received_at DESC, id DESC);
        """
    )
    print(f"table: {time.perf_counter() - t0:.0f} s")
    for name, sql in [
        ("trgm", "CREATE INDEX appeal_trgm ON appeal USING gin (txt gin_trgm_ops)"),
        ("bigram", "CREATE INDEX appeal_doc ON appeal USING gin (doc)"),
        ("jieba", "CREATE INDEX appeal_jdoc ON appeal USING gin (jdoc)"),
        (
            "bigram, no positions",
            "ALTER TABLE appeal ADD COLUMN sdoc tsvector; UPDATE appeal SET sdoc = strip(doc);"
            "CREATE INDEX appeal_sdoc ON appeal USING gin (sdoc)",
        ),
    ]:
        t0 = time.perf_counter()
        cur.execute(sql)
        print(f"index {name}: {time.perf_counter() - t0:.0f} s")
    cur.execute("VACUUM ANALYZE appeal")


def conditions(q: str):
    from zhitong.core.search import tsquery_literal

    like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return {
        "like (seq scan)": ("upper(txt) LIKE upper(%s)", like),
        "pg_trgm": ("txt ILIKE %s", like),
        "bigram phrase": ("doc @@ %s::tsquery", phrase_literal(q)),
        "bigram AND": ("sdoc @@ %s::tsquery", tsquery_literal(q)),
        "jieba tsvector": ("jdoc @@ %s::tsquery", jieba_query(q)),
    }


def measure(conn, repeat: int, methods: list[str]) -> None:
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM appeal")
    n = cur.fetchone()[0]
    cur.execute("SELECT code FROM appeal WHERE id = %s", (n // 2,))
    code = cur.fetchone()[0]
    classes = dict(QUERIES, **{"code": [code]})
    print(f"{n} appeals; {repeat} runs of each query; ms")
    print(
        f"{'class':8} {'method':18} {'page med':>9} {'page p95':>9} {'count med':>10} {'count p95':>10}  found/LIKE"
    )
    for cls, qs in classes.items():
        for method in methods or conditions("x"):
            page, count, found = [], [], []
            for q in qs:
                cond, arg = conditions(q)[method]
                truth_cond, truth_arg = conditions(q)["like (seq scan)"]
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    cur.execute(
                        f"SELECT id FROM appeal WHERE {cond} ORDER BY received_at DESC, id DESC LIMIT 20",
                        (arg,),
                    )
                    cur.fetchall()
                    page.append((time.perf_counter() - t0) * 1000)
                    t0 = time.perf_counter()
                    cur.execute(f"SELECT count(*) FROM appeal WHERE {cond}", (arg,))
                    got = cur.fetchone()[0]
                    count.append((time.perf_counter() - t0) * 1000)
                cur.execute(f"SELECT count(*) FROM appeal WHERE {truth_cond}", (truth_arg,))
                found.append(f"{got}/{cur.fetchone()[0]}")

            def p95(xs):
                return sorted(xs)[max(0, round(0.95 * len(xs)) - 1)]

            print(
                f"{cls:8} {method:18} {statistics.median(page):9.1f} {p95(page):9.1f} "
                f"{statistics.median(count):10.1f} {p95(count):10.1f}  {' '.join(found)}",
                flush=True,
            )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=300_000)
    p.add_argument("--build", action="store_true")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--methods", default="", help="comma-separated subset of the methods")
    p.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/zt_search_bench")
    a = p.parse_args()
    with psycopg.connect(a.db, autocommit=True) as conn:
        if a.build:
            build(conn, a.rows)
        measure(conn, a.repeat, [m for m in a.methods.split(",") if m])


if __name__ == "__main__":
    main()
