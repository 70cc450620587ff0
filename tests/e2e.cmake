# End-to-end suite: the example site, built by the real binary.
# e2e_example_site_corpus adds real camera files and a signed original
# from ../shared (Skipped without it).
if(TARGET tearsheet AND TARGET standin)
  ts_self_and_shared_tests(e2e_example_site corpus
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/example_site.sh @MODE@ $<TARGET_FILE:tearsheet>
            $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR} ${TS_SHARED_DIR})
endif()
