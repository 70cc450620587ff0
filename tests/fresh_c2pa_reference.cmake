# fresh_c2pa_reference: `tearsheet verify --json` against the reference
# C2PA implementation (c2pa-rs 0.92 as WebAssembly, installed by
# tools/c2pa-reference/package-lock.json) on files the suite signs and
# tampers with itself (tests/fresh_c2pa_reference.py). Needs nothing from
# ../shared, so a fresh clone runs it; Skipped (77) when node, vips or
# the package is not installed.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND AND TARGET tearsheet AND TARGET standin AND TARGET ts_c2pa)
  # c2pa_sign_tool comes from c2pa_sign.cmake (included after this file;
  # the generator expression resolves once all are read)
  add_test(NAME fresh_c2pa_reference
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fresh_c2pa_reference.py
            --tearsheet $<TARGET_FILE:tearsheet>
            --sign-tool $<TARGET_FILE:c2pa_sign_tool>
            --standin $<TARGET_FILE:standin>
            --reference ${CMAKE_SOURCE_DIR}/tools/c2pa-reference)
  set_tests_properties(fresh_c2pa_reference PROPERTIES TIMEOUT 900)
endif()
