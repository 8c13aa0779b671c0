"""Only the optional compiled fast paths of zoneops.hj212; everything else is in
pyproject.toml. Without a C compiler the build goes on and the pure-Python code runs."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("zoneops.hj212._speedups", ["src/zoneops/hj212/_speedups.c"],
                             optional=True)])
