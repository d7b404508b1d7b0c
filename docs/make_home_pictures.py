"""Makes the home page's pictures, docs/home/<page>.png: each page's main view, photographed in Chromium.

The home page shows these files as they are, so a visit costs no computation. Run again when a page's look
changes, against a running server:

    streamlit run app.py --server.headless true --server.port 8501 &
    python docs/make_home_pictures.py http://127.0.0.1:8501            # every page's picture
    python docs/make_home_pictures.py http://127.0.0.1:8501 network    # only the pages named
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

OUT = Path(__file__).with_name("home")
WIDTH, HEIGHT = 480, 270  # 16:9, a card's width in a three-column row at 1920 px
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STAGE = '[data-testid="gdviz-stage"][data-ready="true"]'
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')"""

# page -> what to photograph once the page has settled (and what to press first)
SHOTS = {
    "race": ('[data-testid="gdviz-map"]', "End"),  # the finished race
    "linear": ('[data-testid="gdviz-map"]', "End"),  # the trained regions
    "network": (".gdviz-plots", "End"),  # the trained network, its regions and its loss: the stage's panels
    "digits": (".js-plotly-plot >> nth=0", None),  # a row of digits per class
    "gradient_check": (".js-plotly-plot >> nth=0", None),  # the U-shaped h sweep
    "random_search": (".js-plotly-plot >> nth=0", "Run the search"),  # three strategies' best losses
    "backprop": ('[data-testid="stGraphVizChart"]', None),  # the circuit
}


def _shoot(page, base: str, name: str, selector: str, action: str | None) -> Image.Image:
    page.goto(f"{base}/{name}")
    page.wait_for_selector("h1", timeout=90_000)
    page.wait_for_function(SETTLED, timeout=90_000)
    if action == "End":  # a stage: played to its last step
        page.wait_for_selector(STAGE, timeout=90_000)
        page.get_by_role("button", name="Last step (End)").click()
    elif action:
        page.get_by_role("button", name=action).click()
        page.wait_for_selector(selector, timeout=120_000)
    page.wait_for_function(SETTLED, timeout=120_000)
    page.wait_for_timeout(1500)  # charts finish their layout
    shot = page.locator(selector).first.screenshot()
    return Image.open(io.BytesIO(shot)).convert("RGB")


def _card(image: Image.Image) -> Image.Image:
    """The whole picture, scaled to fit WIDTH × HEIGHT and centered on white (nothing of it cut off)."""
    image = image.copy()
    image.thumbnail((WIDTH, HEIGHT), Image.LANCZOS)
    card = Image.new("RGB", (WIDTH, HEIGHT), "white")
    card.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    return card


def main(base: str, names=()) -> None:
    """Photograph the pages ``names`` (every page of SHOTS when empty) on the server at ``base``."""
    unknown = sorted(set(names) - set(SHOTS))
    if unknown:
        raise SystemExit(f"no picture is made for {', '.join(unknown)}; choose from {', '.join(SHOTS)}")
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for name, (selector, action) in SHOTS.items():
            if names and name not in names:
                continue
            picture = _card(_shoot(page, base.rstrip("/"), name, selector, action))
            # a palette of 96 colors: a third of the bytes of full color, no visible banding on charts
            picture.quantize(96, dither=Image.Dither.NONE).save(OUT / f"{name}.png", optimize=True)
            print(name, (OUT / f"{name}.png").stat().st_size, "bytes")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8501", sys.argv[2:])
