# Hard bindings beyond the default data hash (tests/c2pa_hash.sh): a
# box-hashed JPEG and WebP signed by c2pa_sign_tool --box-hash, checked
# by `tearsheet verify` and by the reference implementation when node
# and ../shared/tools/c2pa-oracle are there (otherwise that half prints
# "skipped"). Unit tests of the box map, compressed manifests and
# exclusions: tests/unit/test_c2pa_hash.c.
if(TARGET ts_c2pa)
  # the encoder only makes test stores; tearsheet links the decoder alone
  pkg_check_modules(BROTLIENC IMPORTED_TARGET libbrotlienc)
  if(BROTLIENC_FOUND)
    ts_unit_test(c2pa_hash ts_c2pa PkgConfig::BROTLIENC)
  endif()
  # c2pa_sign_tool comes from c2pa_sign.cmake (included after this
  # file; the generator expression resolves once all are read)
  if(TARGET tearsheet AND TARGET standin)
    add_test(NAME c2pa_hash_oracle
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_hash.sh $<TARGET_FILE:c2pa_sign_tool>
                     $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${TS_SHARED_DIR})
    set_tests_properties(c2pa_hash_oracle PROPERTIES TIMEOUT 600)
  endif()
endif()
