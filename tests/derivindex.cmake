# derivindex: the site module's derivative index (src/site/derivindex.c)
# — a cache entry's outputs and credentials back as they were written,
# an unchanged index left alone, and a damaged file no index.
if(TARGET ts_site)
  add_executable(derivindex_test ${CMAKE_CURRENT_SOURCE_DIR}/derivindex_test.c)
  target_link_libraries(derivindex_test PRIVATE ts_site PkgConfig::CMOCKA)
  add_test(NAME derivindex COMMAND derivindex_test)
endif()
