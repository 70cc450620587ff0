# Remote manifests: reported by URL, fetched with --fetch from a local
# HTTP server the test starts, and refused fetches (tests/c2pa_remote.sh).
# Exit 77 without python3. c2pa_sign_tool is defined in c2pa_sign.cmake.
if(TARGET tearsheet AND TARGET ts_c2pa)
  add_test(NAME c2pa_remote
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_remote.sh $<TARGET_FILE:c2pa_sign_tool>
                   $<TARGET_FILE:tearsheet> ${PROJECT_SOURCE_DIR}/fuzz/corpus/fuzz_jpeg/all_blocks.jpg)
  set_tests_properties(c2pa_remote PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()
