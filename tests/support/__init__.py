"""What the tests share besides fixtures: factories, files to upload, and drivers that move a case through the
services, the pages and the API. Test modules and conftest files import from here and never from each other
(tests/test_architecture.py holds them to it); fixtures stay in the conftest files, where pytest finds them."""
