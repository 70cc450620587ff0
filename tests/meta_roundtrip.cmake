# meta_roundtrip: corpus JPEGs built into sites by the real binary; each
# derivative read back by ExifTool keeps the rights and drops private
# data (tests/meta_roundtrip.sh). Skipped without exiftool or corpus.
if(TARGET tearsheet)
  add_test(NAME meta_roundtrip
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/meta_roundtrip.sh $<TARGET_FILE:tearsheet>
                   ${TS_SHARED_DIR}/corpus/metadata)
  set_tests_properties(meta_roundtrip PROPERTIES TIMEOUT 1800)
endif()
