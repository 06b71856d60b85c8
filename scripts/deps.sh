# Debian packages the build, the tests and the app need (sourced by scripts/run and scripts/test).
# Preinstalled ones cost nothing to check; need() installs only what is missing.
CACHESCOPE_BUILD_PACKAGES=(g++ cmake ninja-build pkgconf fonts-dejavu-core
    qt6-base-dev qt6-charts-dev libqt6opengl6-dev libqt6sql6-sqlite libqt6sql6-psql
    zlib1g-dev liblzma-dev libzstd-dev libpq-dev libhiredis-dev libbenchmark-dev)
# scripts/package: dpkg-shlibdeps (dpkg-dev, which runs file) finds the .deb's library dependencies.
CACHESCOPE_PACKAGE_PACKAGES=(dpkg-dev file)
# The package_install test also validates the desktop entry, the AppStream metainfo and the man
# pages; chromium: tst_reportexport renders the HTML report in a real browser, headless.
CACHESCOPE_TEST_PACKAGES=(postgresql redis-server memcached gzip xz-utils zstd clang-14 libclang-rt-14-dev
    clang-tidy-14 "${CACHESCOPE_PACKAGE_PACKAGES[@]}" desktop-file-utils appstream groff-base chromium)
