"""The example site as a reader uses it (issue 12), in Debian's Chromium driven by
Playwright: search that finds the moment, pages that stay readable, hover previews,
a legible graph, a player that seeks without reloading, link previews and a phone layout.

The site is the shipped example (built by `test_example_site`'s fixtures), served from a
sub-path. Screenshots land in `artifacts/screenshots/` wide (1280 px) and at 390 px.
"""

from __future__ import annotations

import re

import pytest

from tests.test_example_site import SHOTS, base_url, built_site, page  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.browser]
WIDTHS = (1280, 390)
LAUNDRY_VIDEO = "videos/moravecs_paradox_why_folding_laundry_is_harder_than_chess/"


def _shots(page, name: str, full: bool = True) -> None:  # noqa: F811
    """A screenshot at each width, of the page as it is now (reloaded at 390 px)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        page.screenshot(path=str(SHOTS / f"{name}_{width}.png"), full_page=full)
    page.set_viewport_size({"width": 1280, "height": 900})


def _boxes_overlap(a: dict, b: dict) -> bool:
    return (a["left"] < b["right"] and b["left"] < a["right"]
            and a["top"] < b["bottom"] and b["top"] < a["bottom"])


def test_search_ranks_the_moment_first_and_links_to_it(page, base_url):  # noqa: F811
    page.goto(base_url + "search/?q=laundry")
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(timeout=30000)
    page.locator(".pagefind-ui__message", has_text="laundry").wait_for(timeout=30000)
    first = results.first
    assert first.locator(".pagefind-ui__result-link").inner_text() == "Learning in simulation"
    href = first.locator(".pagefind-ui__result-link").get_attribute("href")
    assert re.search(r"/topics/learning_in_simulation/#t-\d+$", href), href
    said = first.locator(".pagefind-ui__result-tag").inner_text()
    assert re.search(r"00:0\d:\d\d", said), said  # the time is shown
    # the excerpt is what was said, not the page's filter values or names run together
    excerpt = first.locator(".pagefind-ui__result-excerpt").inner_text()
    assert "laundry" in excerpt.lower() and "Lena WhitfieldMaya" not in excerpt, excerpt
    # hub pages (person, channel) come after the topics where the word was said
    titles = results.locator(".pagefind-ui__result-link").all_inner_texts()
    assert titles.index("Learning in simulation") < titles.index("The Embodied Mind Podcast") \
        if "The Embodied Mind Podcast" in titles else True
    # the filter panel is no taller than its filters
    panel = page.locator(".pagefind-ui__filter-panel").bounding_box()
    assert panel is not None and panel["height"] < 300, panel
    _shots(page, "search_laundry")
    first.locator(".pagefind-ui__result-link").click()
    page.wait_for_load_state()
    anchor = href.split("#")[1]
    assert page.locator(f"#{anchor}").is_visible()  # the moment exists on the page


def test_search_excerpts_are_sentences_not_name_lists(page, base_url):  # noqa: F811
    """A topic's filter values (people, concepts) and its People and Concepts lists were
    indexed as text: a name's results were excerpted as names run together
    ("Lex FridmanStepan Bandera…" on the 23 episodes)."""
    page.goto(base_url + "search/?q=Weizenbaum")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=30000)
    page.locator(".pagefind-ui__message", has_text="Weizenbaum").wait_for(timeout=30000)
    excerpts = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
    assert excerpts
    for text in excerpts:
        assert not re.search(r"[a-z][A-Z][a-z]+ [A-Z]", text), text  # "OkaforJoseph W…"
        assert "People." not in text and "Concepts." not in text, text


def test_person_page_groups_backlinks_by_video(page, base_url):  # noqa: F811
    # Lena Whitfield speaks in four topics of one episode; no one else speaks of her there
    page.goto(base_url + "people/lena_whitfield/")
    spoken = page.locator("section.spoken")
    assert spoken.locator("h2").inner_text().startswith("Speaks in")
    videos = spoken.locator(".spoken-videos > li")
    assert videos.count() == 1 and "Folding Laundry" in videos.first.inner_text()
    topics = videos.first.locator("details ul li")
    assert not topics.first.is_visible()  # folded under the video's line
    videos.first.locator("summary").click(position={"x": 4, "y": 8})  # the marker
    lines = topics.all_inner_texts()
    assert len(lines) >= 3 and topics.first.is_visible()
    assert all(re.match(r"\d\d:\d\d:\d\d ", t) for t in lines), lines  # each timed
    assert not any("Folding Laundry" in t for t in lines)  # the title once, as heading
    assert spoken.locator(".context").count() == 0  # not her own lines again
    assert "Mentioned in:" not in page.locator(".note-body").inner_text()
    _shots(page, "person_spoken")
    # Daniel Reyes is spoken of by his co-host: that topic, with her sentence, comes first
    page.goto(base_url + "people/daniel_reyes/")
    groups = page.locator("section.backlinks:not(.spoken) .backlink-group")
    heads = groups.locator("h3").all_inner_texts()
    assert any("What Makes Us Human" in h for h in heads), heads
    first = groups.filter(has_text="What Makes Us Human").first
    assert "co-host Daniel Reyes" in first.locator(".context").first.inner_text()
    assert first.locator("details.more-contexts").count() == 1  # his own line, folded
    mentioned = set(groups.locator("li > a").all_inner_texts())
    spoken_topics = set(page.locator("section.spoken li li a").all_inner_texts())
    assert spoken_topics and not mentioned & spoken_topics
    _shots(page, "person_grouped")


def test_video_page_shows_each_topic_once(page, base_url):  # noqa: F811
    page.goto(base_url + LAUNDRY_VIDEO)
    main = page.locator("main")
    topic_links = main.locator(".chapters a.wikilink, .topics a.wikilink").all_inner_texts()
    assert "Learning in simulation" in topic_links
    assert len(topic_links) == len(set(topic_links)), topic_links
    # its own topics are not listed again as backlinks
    backlinks = page.locator("section.backlinks li > a").all_inner_texts()
    assert "Learning in simulation" not in backlinks
    # the concepts discussed in it are its Concepts, not a line each among its backlinks
    concepts = page.locator("section.names", has_text="Concepts").locator("a")
    assert "empathy" in concepts.all_inner_texts()
    assert "empathy" not in backlinks and "Lena Whitfield" not in backlinks
    _shots(page, "video_once")
    # a topic lists neither its video nor the people and concepts it names as backlinks
    page.goto(base_url + "topics/learning_in_simulation/")
    names = set(page.locator("section.names a").all_inner_texts())
    backlinks = set(page.locator("section.backlinks li > a").all_inner_texts())
    assert "Lena Whitfield" in names and not names & backlinks, backlinks
    assert not any("Folding Laundry" in b for b in backlinks), backlinks


def test_hover_previews_say_something_useful(page, base_url):  # noqa: F811
    page.goto(base_url + "topics/learning_in_simulation/")
    box = page.locator("#preview")
    page.locator(".note-body a.wikilink", has_text="Lena Whitfield").first.hover()
    box.wait_for(state="visible")
    # where the person comes up: she is the guest, so where she speaks
    assert re.search(r"Speaks in \d+ topics of 1 video", box.inner_text()), box.inner_text()
    assert box.locator("li").count() >= 2
    page.mouse.move(0, 0)
    page.locator(".kicker a.wikilink", has_text="Folding Laundry").hover()
    page.wait_for_function("document.querySelector('#preview li') && "
                           "document.querySelector('#preview').innerText.includes('topics')")
    assert "Learning in simulation" in box.inner_text()  # the video's topics
    page.mouse.move(0, 0)
    page.goto(base_url + LAUNDRY_VIDEO)
    page.locator(".chapters a.wikilink", has_text="Learning in simulation").hover()
    page.wait_for_function("(document.querySelector('#preview').innerText || '')"
                           ".includes('laundry')")
    assert "motion capture" in box.inner_text()  # a key point, not a template sentence
    page.screenshot(path=str(SHOTS / "preview_topic_1280.png"))


def test_graph_labels_do_not_overlap_and_find_frames_neighbours(page, base_url):  # noqa: F811
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base_url + "graph/")
        page.wait_for_function("document.querySelector('.ng-labels[data-js]')")
        boxes = page.evaluate("""() => Array.from(
            document.querySelectorAll('svg.ng-global .ng-labels text')).map(t => {
              const r = t.getBoundingClientRect();
              return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                      text: t.textContent}; })""")
        assert len(boxes) >= (12 if width > 1000 else 8), len(boxes)
        clashes = [(a["text"], b["text"]) for i, a in enumerate(boxes)
                   for b in boxes[i + 1:] if _boxes_overlap(a, b)]
        assert clashes == [], clashes
        covered = page.evaluate("""() => {
            const svg = document.querySelector('svg.ng-global');
            const titles = Array.from(svg.querySelectorAll('.ng-labels text'))
              .map(t => t.textContent);
            const dots = Array.from(svg.querySelectorAll('.ng-nodes a')).map(a => ({
              r: a.querySelector('circle').getBoundingClientRect(),
              name: a.querySelector('title').textContent.replace(/ \\([^()]*\\)$/, '')}));
            const out = [];
            svg.querySelectorAll('.ng-labels text').forEach(t => {
              const b = t.getBoundingClientRect();
              const mine = dots.find(d => d.name.startsWith(t.textContent.replace('…', '')));
              dots.forEach(d => { const c = d.r, m = c.width * 0.2;
                if (d !== mine && c.width >= mine.r.width
                    && b.left < c.right - m && c.left + m < b.right
                    && b.top < c.bottom - m && c.top + m < b.bottom)
                  out.push([t.textContent, d.name]); }); });
            return out; }""")
        # no label hides a note's dot as big as its own (a hub's may cover smaller
        # ones: test_graph_page_scale, where clusters of hundreds must still be named)
        assert covered == [], covered
        frame = page.evaluate("""() => { const r = document.querySelector('svg.ng-global')
            .getBoundingClientRect(); return {left: r.left, right: r.right}; }""")
        cut = [b["text"] for b in boxes
               if b["left"] < frame["left"] - 0.5 or b["right"] > frame["right"] + 0.5]
        assert cut == [], cut  # no label runs off the picture's edge
        height = max(b["bottom"] - b["top"] for b in boxes)
        assert 10 <= height <= 24  # readable at any zoom
        if width < 600:  # a phone's frame takes the picture's shape: no empty bands
            fill = page.evaluate("""() => {
                const f = document.querySelector('.graph-frame').getBoundingClientRect();
                const cs = [...document.querySelectorAll('svg.ng-global circle')]
                  .map(c => c.getBoundingClientRect());
                const top = Math.min(...cs.map(c => c.top));
                const bottom = Math.max(...cs.map(c => c.bottom));
                return (bottom - top) / f.height; }""")
            assert fill > 0.75, fill
        # Find's hint is read whole, at any width (the input's text width vs its box)
        spare = page.evaluate("""() => { const i = document.querySelector('#graph-find');
            const cs = getComputedStyle(i), c = document.createElement('canvas').getContext('2d');
            c.font = cs.font;
            return i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)
              - c.measureText(i.placeholder).width; }""")
        assert spare >= 0, spare
        page.screenshot(path=str(SHOTS / f"graph_labels_{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "graph/")
    page.locator("#graph-find").fill("Hans Moravec")
    page.wait_for_timeout(300)
    framed = page.evaluate("""() => {
        const svg = document.querySelector('svg.ng-global'), r = svg.getBoundingClientRect();
        const inside = a => { const c = a.querySelector('circle').getBoundingClientRect();
          return c.left >= r.left && c.right <= r.right
              && c.top >= r.top && c.bottom <= r.bottom; };
        const all = Array.from(svg.querySelectorAll('.ng-nodes a'));
        const h = svg.querySelector('.ng-hit circle').getBoundingClientRect();
        const centred = Math.abs(h.left + h.width / 2 - (r.left + r.width / 2)) < r.width / 6
            && Math.abs(h.top + h.height / 2 - (r.top + r.height / 2)) < r.height / 6;
        return {hit: inside(svg.querySelector('.ng-hit')), centred: centred,
                visible: all.filter(inside).length, total: all.length}; }""")
    assert framed["hit"] and framed["centred"], framed
    # the node with its neighbours: more than one dot
    assert framed["visible"] >= 3, framed
    page.screenshot(path=str(SHOTS / "graph_find_1280.png"))


def test_timestamp_seeks_through_the_iframe_api(chromium, base_url):  # noqa: F811
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    # A stand-in for YouTube's IFrame API that records what the page asks of the player.
    context.add_init_script("""
        window.playerCalls = [];
        window.YT = { Player: function (el, opts) {
            window.playerCalls.push(['new', el.id]);
            this.seekTo = function (t, ahead) { window.playerCalls.push(['seekTo', t, ahead]); };
            this.playVideo = function () { window.playerCalls.push(['playVideo']); };
            var self = this;
            setTimeout(function () { opts.events.onReady({ target: self }); }, 0);
        } };""")
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.goto(base_url + "topics/moravecs_paradox/")
    player = p.locator("iframe#player")
    src = player.get_attribute("src")
    assert "enablejsapi=1" in src
    stamp = p.locator(".note-body a.yt-timestamp").nth(1)
    seconds = int(stamp.get_attribute("data-seconds"))
    vid = player.get_attribute("data-video-id")
    assert stamp.get_attribute("href") == f"https://www.youtube.com/watch?v={vid}&t={seconds}"
    stamp.click()
    p.wait_for_function("window.playerCalls.some(c => c[0] === 'playVideo')")
    calls = p.evaluate("window.playerCalls")
    assert ["seekTo", seconds, True] in calls and calls[0] == ["new", "player"]
    assert player.get_attribute("src") == src  # no reload
    assert p.url.endswith("/topics/moravecs_paradox/")
    context.close()
    assert errors == []


def test_link_previews_favicon_and_phone_nav(chromium, base_url):  # noqa: F811
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    p = context.new_page()
    missing: list[str] = []
    p.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    p.goto(base_url + LAUNDRY_VIDEO)
    p.wait_for_load_state("networkidle")
    meta = p.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(
        'meta[property^="og:"], meta[name^="twitter:"]')).map(m =>
        [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    assert meta["og:title"].startswith("Moravec's Paradox")
    assert meta["og:type"] == "video.other" and meta["og:url"].startswith("https://")
    assert meta["twitter:card"] == "summary_large_image"
    assert missing == [], missing
    favicon = p.evaluate("document.querySelector('link[rel=icon]').href")
    assert p.request.get(favicon).ok
    # the header is one line: every nav item on the brand's row
    tops = p.evaluate("""() => Array.from(document.querySelectorAll(
        '.site-nav a, .site-nav button, .brand')).map(e => Math.round(
        e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))""")
    assert max(tops) - min(tops) <= 6, tops
    # …and all of it on screen: none pushed past the edge (where it scrolls out of sight)
    rights = p.evaluate("""() => Array.from(document.querySelectorAll(
        '.site-nav a, .site-nav button, .brand')).map(e => e.getBoundingClientRect().right)""")
    assert max(rights) <= 390, rights
    p.screenshot(path=str(SHOTS / "phone_nav_390.png"))
    context.close()


def test_search_excerpt_keeps_a_speaker_label_with_its_colon(page, base_url):  # noqa: F811
    page.goto(base_url + "search/?q=motion+capture")
    excerpt = page.locator(".pagefind-ui__result-excerpt").first
    excerpt.wait_for(timeout=30000)
    page.locator(".pagefind-ui__message", has_text="motion capture").wait_for(timeout=30000)
    texts = page.locator(".pagefind-ui__result-excerpt").all_inner_texts()
    assert any("Whitfield: We record" in t for t in texts), texts
    assert not any(re.search(r"\w :", t) for t in texts), texts  # no "Lena Whitfield : We"


def test_phone_titles_wrap_and_local_graph_labels_fit(chromium, base_url):  # noqa: F811
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    p = context.new_page()
    p.goto(base_url + "topics/learning_in_simulation/")
    p.wait_for_load_state("networkidle")
    # the site title ("The Embodied Mind — notes") and the note's are shown whole
    for selector in (".brand", "h1"):
        cut = p.evaluate(f"""() => {{ const e = document.querySelector('{selector}');
            return [e.scrollWidth - e.clientWidth, getComputedStyle(e).textOverflow]; }}""")
        assert cut[0] <= 1 and cut[1] != "ellipsis", (selector, cut)
    assert "The Embodied Mind" in p.locator(".brand").inner_text()
    # a one-word site title ("notegraph", the example site's) wraps nowhere inside it,
    # also on a 360 px phone
    p.set_viewport_size({"width": 360, "height": 800})
    fit = p.evaluate("""() => { const e = document.querySelector('.brand');
        e.textContent = 'notegraph'; const s = getComputedStyle(e);
        const c = document.createElement('canvas').getContext('2d');
        c.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        return [e.getBoundingClientRect().height, parseFloat(s.lineHeight),
                e.clientWidth, c.measureText('notegraph').width]; }""")
    assert fit[0] < 1.5 * fit[1] and fit[2] + 2 >= fit[3], fit
    graph = p.locator("svg.ng-local")
    graph.scroll_into_view_if_needed()
    box = graph.bounding_box()
    labels = graph.locator("text")
    assert labels.count() >= 3
    for label in labels.all():
        b = label.bounding_box()
        assert b["x"] >= box["x"] and b["x"] + b["width"] <= box["x"] + box["width"], \
            (label.text_content(), b, box)
    SHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SHOTS / "phone_note_390.png"))
    graph.screenshot(path=str(SHOTS / "phone_local_graph_390.png"))
    context.close()


def test_sidebar_local_graph_labels_are_readable(page, base_url):  # noqa: F811
    """On a wide screen the local graph sits in the sidebar: its labels are as large as
    the sidebar's own text would be small (≥ 12 px on screen), none on another."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "topics/learning_in_simulation/")
    graph = page.locator(".sidebar svg.ng-local")
    graph.wait_for()
    sizes = page.evaluate("""() => [...document.querySelectorAll('.sidebar svg.ng-local text')]
        .map(t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))""")
    assert len(sizes) >= 3 and min(sizes) >= 12, sizes
    boxes = [t.bounding_box() for t in graph.locator("text").all()]
    rects = [{"left": b["x"], "right": b["x"] + b["width"], "top": b["y"],
              "bottom": b["y"] + b["height"]} for b in boxes]
    for i, a in enumerate(rects):
        assert not any(_boxes_overlap(a, b) for b in rects[i + 1:]), (i, rects)
    graph.screenshot(path=str(SHOTS / "sidebar_local_graph_1280.png"))


def test_serve_reloads_the_open_page_after_a_rebuild(chromium, built_site):  # noqa: F811
    """Last in this file: it edits a note of the built example."""
    import http.server
    import threading
    import time

    from notegraph import api
    from notegraph.config import load_config

    config = load_config(built_site.parent)
    stop, port = threading.Event(), {}
    original = http.server.ThreadingHTTPServer.server_bind

    def bind(self):  # record the free port the OS picked
        original(self)
        port["n"] = self.server_address[1]

    http.server.ThreadingHTTPServer.server_bind = bind  # type: ignore[method-assign]
    thread = threading.Thread(target=api.serve, args=(config,), daemon=True,
                              kwargs={"port": 0, "poll": 0.2, "stop": stop,
                                      "max_seconds": 120})
    try:
        thread.start()
        deadline = time.monotonic() + 60
        while "n" not in port and time.monotonic() < deadline:
            time.sleep(0.05)
        http.server.ThreadingHTTPServer.server_bind = original  # type: ignore[method-assign]
        context = chromium.new_context()
        p = context.new_page()
        p.goto(f"http://127.0.0.1:{port['n']}/reading_list/")
        p.evaluate("window.notReloaded = true")
        p.wait_for_timeout(1500)  # the page has polled once
        note = built_site.parent / "content" / "notes" / "reading_list.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nA line added while serving.\n",
                        encoding="utf-8")
        p.wait_for_function("!window.notReloaded && "
                            "document.body.innerText.includes('A line added while serving')",
                            timeout=60000)
        assert not (built_site / "reading_list" / "index.html").read_text(
            encoding="utf-8").count("__notegraph")  # the script is never written to site/
        context.close()
    finally:
        http.server.ThreadingHTTPServer.server_bind = original  # type: ignore[method-assign]
        stop.set()
        thread.join(timeout=30)
