"""An upload handler that streams to a temporary file (like Django's) but stops writing once a file passes
the largest document size limit: the service then refuses it as too large, having stored at most the
limit plus one chunk on disk instead of whatever the client chose to send."""

from django.core.files.uploadhandler import TemporaryFileUploadHandler

from documents.validation import largest_max_size


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = largest_max_size()
        self.written = 0

    def receive_data_chunk(self, raw_data, start):
        # Keep one byte past the limit so the size check can tell "too large" from "exactly the limit".
        room = self.limit + 1 - self.written
        if room > 0:
            data = raw_data[:room]
            self.file.write(data)
            self.written += len(data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = self.written
        return self.file
