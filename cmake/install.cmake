# What `cmake --install` puts where, in the GNU layout under --prefix
# (DESTDIR is honoured by CMake itself), and the Debian package CPack
# makes of the same files (scripts/package.sh). The image module goes to
# lib/tearsheet/, which the binary finds relative to its own path
# (src/image/lazy.c), so no LD_LIBRARY_PATH and no copy in bin/.
install(TARGETS tearsheet RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# 0644: loaded with dlopen, never run (Debian policy 8.1)
install(TARGETS ts_image_vips LIBRARY DESTINATION ${TS_INSTALL_MODULEDIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
# The default theme is built into the binary; this copy is the starting
# point for a site's own themes/<name>/ (tearsheet-site.yaml(5), theme).
install(DIRECTORY ${CMAKE_SOURCE_DIR}/themes/default
        DESTINATION ${CMAKE_INSTALL_DATADIR}/tearsheet/themes)
install(FILES ${CMAKE_SOURCE_DIR}/completion/tearsheet.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME tearsheet)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright ${CMAKE_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Man pages and the changelog compressed with gzip -9n, as Debian ships
# them (policy 12.1, 12.7; -n: no time stamp, so the package is
# reproducible); man reads them from any prefix.
set(TS_PACKAGE_MAINTAINER "tearsheet maintainers <maintainers@users.noreply.r-seed-84c90f06.example>"
    CACHE STRING "Maintainer field of the Debian package")
configure_file(${CMAKE_SOURCE_DIR}/packaging/changelog.in ${CMAKE_BINARY_DIR}/dist/changelog @ONLY)
set(ts_dist_gz "")
foreach(src man/tearsheet.1 man/tearsheet-site.yaml.5 ${CMAKE_BINARY_DIR}/dist/changelog)
  get_filename_component(name ${src} NAME)
  get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${CMAKE_SOURCE_DIR})
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/dist/${name}.gz
                     COMMAND gzip -9n -c ${abs} > ${CMAKE_BINARY_DIR}/dist/${name}.gz
                     DEPENDS ${abs} VERBATIM)
  list(APPEND ts_dist_gz ${CMAKE_BINARY_DIR}/dist/${name}.gz)
endforeach()
add_custom_target(ts_dist_files ALL DEPENDS ${ts_dist_gz})
install(FILES ${CMAKE_BINARY_DIR}/dist/tearsheet.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_BINARY_DIR}/dist/tearsheet-site.yaml.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_BINARY_DIR}/dist/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package: tearsheet_<version>_<arch>.deb, Depends computed
# by dpkg-shlibdeps from the binary and the module, plus the libraries
# opened by soname.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tearsheet)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
set(CPACK_PACKAGE_CONTACT ${TS_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "photo stories to a static site, with metadata and provenance")
# (CPack puts the summary above this as the synopsis line)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "tearsheet builds a static website from photo stories: Markdown text plus
photographs as the captioning tool left them. Captions, credits, rights,
dates and places are read from each photo's IPTC, XMP and EXIF metadata.
Derivatives keep the rights metadata, drop private data such as GPS, and
carry C2PA content credentials. A small server takes licensing inquiries.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl, libpq and libmicrohttpd are opened by soname when first
# used (src/base/dynlib.c), so dpkg-shlibdeps, which reads only
# DT_NEEDED, cannot see them: named here, CPack adds what it computes
# after them. 7.85: the first libcurl with CURLOPT_PROTOCOLS_STR
# (src/fetch/fetch.c); 0.9.75: the libmicrohttpd docs/serve.md names;
# every libpq function store_pg.c calls is in libpq5 since 9.1.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.85.0), libpq5, libmicrohttpd12 (>= 0.9.75)")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_STRIP_FILES ON)
# CPack adds an ldconfig call to postinst/postrm for any shared object
# under /usr/lib/*/, the module included; lintian warns
# (maintscript-calls-ldconfig) and the call is harmless: the module is
# opened by path, never through the linker cache.
include(CPack)
