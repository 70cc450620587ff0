# End-to-end suite: the example site, built by the real binary.
if(TARGET tearsheet AND TARGET standin)
  add_test(NAME e2e_example_site
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/e2e/example_site.sh
                   $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR} ${TS_SHARED_DIR})
endif()
