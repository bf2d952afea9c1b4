"""The shared pager of paginated lists (the card register, the deleted files): links keep the list's filters."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation


def pager(number: int, query: str = "") -> str:
    page = Paginator(list(range(25)), 10).page(number)
    with translation.override("zh-hans"):
        return render_to_string("includes/pager.html", {"page": page, "query": query})


def test_the_middle_page_links_both_ways_keeping_the_filters():
    html = pager(2, "state=active&tier=gold")
    assert '<a href="?state=active&amp;tier=gold&amp;page=1">上一页</a>' in html
    assert '<a href="?state=active&amp;tier=gold&amp;page=3">下一页</a>' in html
    assert "第 2 页，共 3 页" in html


def test_without_filters_the_first_page_links_only_forward():
    html = pager(1)
    assert '<a href="?page=2">下一页</a>' in html
    assert "上一页" not in html


def test_a_single_page_has_no_pager():
    page = Paginator([1], 10).page(1)
    assert render_to_string("includes/pager.html", {"page": page}).strip() == ""
