# Signing with the photographer's own identity (site.yaml signing:) and
# RFC 3161 time-stamps from a local TSA (openssl ts behind a loopback
# HTTP server the test starts), read back by the reference C2PA
# implementation (tools/c2pa-reference). tests/c2pa_tsa.sh; Skipped (77)
# without python3, openssl, node or the installed reference.
if(TARGET tearsheet AND TARGET standin)
  add_test(NAME c2pa_tsa
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_tsa.sh $<TARGET_FILE:tearsheet>
                   $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR}/tools/c2pa-reference)
  set_tests_properties(c2pa_tsa PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()
