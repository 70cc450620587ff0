# Sharing and finding (issue 12): cards, photo pages, sitemap, feeds,
# tags and places of the example site and a generated 30-story site,
# checked by parsing the output (tests/share/check_share.py).
if(TARGET tearsheet AND TARGET standin)
  add_test(NAME share_site
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/share/share_site.sh
                   $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR})
  set_tests_properties(share_site PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()
