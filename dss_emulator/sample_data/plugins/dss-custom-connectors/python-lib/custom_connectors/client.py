"""A minimal paginated REST client."""
import requests


def fetch_pages(url, page_size=100):
    """Yield the records of every page of ``url``."""
    page = 0
    while True:
        records = requests.get(url, params={"page": page, "size": page_size}, timeout=30).json()
        if not records:
            return
        yield from records
        page += 1
