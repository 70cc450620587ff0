# C2PA in TIFF, GIF, SVG and JPEG XL signed by c2pa_sign_tool and read
# by the reference and by `tearsheet verify` (tests/c2pa_formats.sh);
# exit 77 without node/npm or the oracle. c2pa_sign_tool is defined in
# c2pa_sign.cmake.
if(TARGET tearsheet AND TARGET ts_c2pa)
  add_test(NAME c2pa_formats
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_formats.sh $<TARGET_FILE:c2pa_sign_tool>
                   $<TARGET_FILE:tearsheet> ${TS_SHARED_DIR})
  set_tests_properties(c2pa_formats PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
endif()
