# Stapled OCSP responses (rVals) end to end: signed by c2pa_sign_tool
# --ocsp with a PKI the script makes, checked by `tearsheet verify`
# (c2pa_ocsp) and also compared with the reference implementation from
# ../shared (c2pa_ocsp_oracle, Skipped without it; tests/c2pa_ocsp.sh).
# c2pa_sign_tool is defined in c2pa_sign.cmake.
if(TARGET tearsheet AND TARGET ts_c2pa)
  ts_self_and_shared_tests(c2pa_ocsp oracle TIMEOUT 600
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_ocsp.sh @MODE@ $<TARGET_FILE:c2pa_sign_tool>
            $<TARGET_FILE:tearsheet> ${TS_SHARED_DIR}
            ${PROJECT_SOURCE_DIR}/fuzz/corpus/fuzz_jpeg/all_blocks.jpg)
endif()
