# Hard bindings beyond the default data hash (tests/c2pa_hash.sh): a
# box-hashed JPEG and WebP signed by c2pa_sign_tool --box-hash, checked
# by `tearsheet verify` (c2pa_hash) and also by the reference
# implementation from ../shared/tools/c2pa-oracle (c2pa_hash_oracle,
# Skipped without it). Unit tests of the box map, compressed manifests
# and exclusions: tests/unit/test_c2pa_hash.c.
if(TARGET ts_c2pa)
  # the encoder only makes test stores; tearsheet links the decoder alone
  pkg_check_modules(BROTLIENC IMPORTED_TARGET libbrotlienc)
  if(BROTLIENC_FOUND)
    ts_unit_test(c2pa_hash ts_c2pa PkgConfig::BROTLIENC)
  endif()
  # c2pa_sign_tool comes from c2pa_sign.cmake (included after this
  # file; the generator expression resolves once all are read)
  if(TARGET tearsheet AND TARGET standin)
    ts_self_and_shared_tests(c2pa_hash oracle TIMEOUT 600
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/c2pa_hash.sh @MODE@ $<TARGET_FILE:c2pa_sign_tool>
              $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${TS_SHARED_DIR})
  endif()
endif()
