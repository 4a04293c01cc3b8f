"""The segmentation REST API: a type's scheme, its distribution and a preview."""
