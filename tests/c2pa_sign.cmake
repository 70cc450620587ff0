# The signer checked by the reference C2PA implementation (c2pa-rs via
# ../shared/tools/c2pa-oracle): signed JPEG and WebP must come out Valid,
# Trusted with the demo root as anchor, and a flipped image byte must be
# reported as assertion.dataHash.mismatch. Skipped (exit 77) without
# message) when node/npm or the oracle cannot be installed.
if(TARGET ts_c2pa)
  add_executable(c2pa_sign_tool ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_sign_tool.c)
  target_link_libraries(c2pa_sign_tool PRIVATE ts_c2pa PkgConfig::JANSSON)
  if(TARGET tearsheet AND TARGET standin)
    add_test(NAME c2pa_sign_oracle
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_sign.sh $<TARGET_FILE:c2pa_sign_tool>
                     $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${TS_SHARED_DIR})
    set_tests_properties(c2pa_sign_oracle PROPERTIES TIMEOUT 900)
  endif()
endif()
