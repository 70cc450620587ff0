# statindex: the site module's stat index and header cache
# (src/site/statindex.c) — the trust rules of the no-op rebuild's fast
# path, and that metadata read from a cached header is the file's.
if(TARGET ts_site)
  add_executable(statindex_test ${CMAKE_CURRENT_SOURCE_DIR}/statindex_test.c)
  target_link_libraries(statindex_test PRIVATE ts_site PkgConfig::CMOCKA)
  add_test(NAME statindex COMMAND statindex_test)
endif()
