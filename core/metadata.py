"""What OPTIONS answers (REST_FRAMEWORK's DEFAULT_METADATA_CLASS). Its own module: DRF imports it while
rest_framework.views is still loading, so it imports no DRF view module at the top."""

from rest_framework.metadata import SimpleMetadata


class Metadata(SimpleMetadata):
    """DRF's answer, without describing the input of a view that takes none (a GenericAPIView without a
    serializer, e.g. submit/), on which DRF's own would fail with an AssertionError, a 500."""

    def determine_actions(self, request, view):
        from rest_framework.generics import GenericAPIView

        takes_no_input = (
            isinstance(view, GenericAPIView)
            and view.serializer_class is None
            and type(view).get_serializer_class is GenericAPIView.get_serializer_class
        )
        return {} if takes_no_input else super().determine_actions(request, view)
