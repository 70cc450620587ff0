# fingerprint: the site module's page fingerprints (src/site/fingerprint.c)
# — each input a page shows changes its fingerprint, and a photo's own
# page does not depend on photos it does not show.
if(TARGET ts_site)
  add_executable(fingerprint_test ${CMAKE_CURRENT_SOURCE_DIR}/fingerprint_test.c)
  target_link_libraries(fingerprint_test PRIVATE ts_site PkgConfig::CMOCKA)
  add_test(NAME fingerprint COMMAND fingerprint_test)
endif()
