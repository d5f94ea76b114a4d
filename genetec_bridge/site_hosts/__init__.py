"""A site spread over several analysis hosts: which host analyses which camera, and one view of all."""
