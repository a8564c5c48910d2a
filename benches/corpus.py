#!/usr/bin/env python3
"""The repository's own benchmark corpus: a plain Zola-style site of Vietnamese pages.

usage: corpus.py OUT_DIR PAGES [SECTIONS]

Same input every time (fixed seed), so a figure measured on it can be compared later.
Each page (~3 KB of Markdown) has headings, prose, a list, a table with numbers and a link:
the mix of text, digits and markup the build, the privacy scan and the minifier all see.
Used by .ci/speed-guard; benches/bench.sh and benches/ab.sh use shared/bench/make_corpus.py
when it is there, which makes the same shape of site.
"""
import os
import random
import sys

VOCAB = (
    "ủy ban nhân dân phường thông báo kế hoạch lấy ý kiến cử tri về việc sắp xếp "
    "tổ dân phố hộ gia đình đại diện đồng ý chưa đồng ý biên bản hội nghị nhà văn hóa "
    "trợ cấp xã hội người cao tuổi hộ nghèo cận nghèo bảo hiểm y tế thủ tục hành chính "
    "ngày phục vụ lưu động cảnh giác lừa đảo qua điện thoại mạng xã hội công khai "
    "minh bạch giám sát mặt trận tổ quốc ban công tác khu dân cư niêm yết tại trụ sở"
).split()


def sentence(rng, words):
    text = " ".join(rng.choice(VOCAB) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def page_body(rng, n, pages, sections):
    # Links to another page of the corpus: congkhai refuses dead internal links, and a
    # link to the site's own address counts as internal.
    m = (n + 1) % pages
    table = "\n".join(
        f"| {row} | Tổ dân phố {rng.randint(1, 45)} | {rng.randint(80, 1600)} | "
        f"{rng.randint(40, 100)}% |"
        for row in range(1, 9)
    )
    return (
        f"## Nội dung {n}\n\n{sentence(rng, 55)}\n\n"
        f"- {sentence(rng, 10)}\n- {sentence(rng, 14)}\n"
        f"- Xem thêm [thông báo {m}](https://phuong.example.vn/muc-{m % sections}/bai-{m}/)\n\n"
        "### Số liệu\n\n| STT | Tổ dân phố | Số hộ | Tỷ lệ |\n|---|---|---|---|\n"
        f"{table}\n\n{sentence(rng, 70)}\n\n> {sentence(rng, 18)}\n\n{sentence(rng, 45)}\n"
    )


BASE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title></head>
<body><header><a href="{{ config.base_url }}">{{ config.title }}</a></header><main>{% block content %}{% endblock %}</main></body></html>
"""
PAGE = """{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}
{% block content %}<article><h1>{{ page.title }}</h1><p>{{ page.date }}</p>{{ page.content | safe }}</article>{% endblock %}
"""
LIST = """{% extends "base.html" %}{% block content %}<h1>{{ section.title }}</h1><ul>
{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, pages = sys.argv[1], int(sys.argv[2])
    sections = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    rng = random.Random(2026)
    write(
        f"{out}/config.toml",
        'base_url = "https://phuong.example.vn"\ntitle = "Cổng công khai"\n'
        "compile_sass = false\nbuild_search_index = false\ngenerate_feeds = false\n",
    )
    write(f"{out}/templates/base.html", BASE)
    write(f"{out}/templates/page.html", PAGE)
    write(f"{out}/templates/section.html", LIST)
    write(f"{out}/templates/index.html", LIST)
    write(f"{out}/content/_index.md", '+++\ntitle = "Trang chủ"\n+++\n')
    for s in range(sections):
        write(f"{out}/content/muc-{s}/_index.md", f'+++\ntitle = "Chuyên mục {s + 1}"\n+++\n')
    for n in range(pages):
        day = 1 + n % 28
        month = 1 + (n // 28) % 12
        write(
            f"{out}/content/muc-{n % sections}/bai-{n}.md",
            f'+++\ntitle = "Thông báo số {n}"\ndate = 2026-{month:02}-{day:02}\n+++\n'
            + page_body(rng, n, pages, sections),
        )


if __name__ == "__main__":
    main()
