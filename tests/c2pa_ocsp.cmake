# Stapled OCSP responses (rVals) end to end: signed by c2pa_sign_tool
# --ocsp with a PKI the script makes, checked by `tearsheet verify` and
# compared with the reference implementation when it can be installed
# (tests/c2pa_ocsp.sh). c2pa_sign_tool is defined in c2pa_sign.cmake.
if(TARGET tearsheet AND TARGET ts_c2pa)
  add_test(NAME c2pa_ocsp
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_ocsp.sh $<TARGET_FILE:c2pa_sign_tool>
                   $<TARGET_FILE:tearsheet> ${TS_SHARED_DIR}
                   ${PROJECT_SOURCE_DIR}/fuzz/corpus/fuzz_jpeg/all_blocks.jpg)
  set_tests_properties(c2pa_ocsp PROPERTIES TIMEOUT 600)
endif()
