"""A value the booklets fixtures use and the booklets tests look for (not a test
module). A constant rather than a fixture: the tests compare against it as it is."""

#: The title ``add_booklet`` gives a booklet unless told otherwise.
TITLE = "小麦赤霉病防治技术手册"
