from dataiku.connector import Connector
from custom_connectors.client import fetch_pages


class RestApiConnector(Connector):
    def get_read_schema(self):
        return None

    def generate_rows(self, dataset_schema=None, dataset_partitioning=None, partition_id=None, records_limit=-1):
        for record in fetch_pages(self.config["url"]):
            yield record
