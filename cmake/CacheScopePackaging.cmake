# The Debian package (scripts/package: `cpack -G DEB`): the `cmake --install` tree under /usr,
# its library dependencies found by dpkg-shlibdeps (Debian dpkg-dev), plus what is loaded at run
# time and so invisible to it: Qt's SQL drivers and platform plugins.
set(CPACK_PACKAGE_NAME cachescope)
set(CPACK_PACKAGE_VENDOR CacheScope)
set(CPACK_PACKAGE_CONTACT "CacheScope maintainers <maintainers@cachescope.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "workbench for database caching: live cache charts, trace replay, cache monitoring")
set(CPACK_PACKAGE_DESCRIPTION
    "CacheScope shows, live, what a cache in front of a database does: queries run through a
pool of workers and a result cache while hit ratio, evictions, throughput and latency
percentiles are charted. It replays cache traces through 13 eviction policies, watches a
Redis, memcached or PostgreSQL's buffer cache that is already running, and remembers every run
to compare any two. cachescope-cli does the same headless, for scripts, CI and benchmarks.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Added to what dpkg-shlibdeps finds: the SQLite and PostgreSQL drivers (QSqlDatabase loads them
# as plugins) and the xcb/wayland platform plugins the window needs.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, qt6-qpa-plugins")
# The "Watch a Redis" scenario starts a redis-server; monitor and run talk to these servers.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "redis-server, postgresql, memcached")
include(CPack)
