# lint: `tearsheet lint` on a site of crafted photos (ExifTool writes
# the metadata at test time) and on the example site (tests/lint.sh).
if(TARGET tearsheet AND TARGET standin)
  add_test(NAME lint_site
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/lint.sh
                   $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR})
endif()
