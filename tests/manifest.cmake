# manifest: the site module's build manifest (src/site/manifest.c) —
# which pages a rebuild trusts, and that a damaged file is no manifest.
if(TARGET ts_site)
  add_executable(manifest_test ${CMAKE_CURRENT_SOURCE_DIR}/manifest_test.c)
  target_link_libraries(manifest_test PRIVATE ts_site PkgConfig::CMOCKA)
  add_test(NAME manifest COMMAND manifest_test)
endif()
