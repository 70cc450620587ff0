# fresh_meta_reference: photos made here by vips + exiftool (JPEG, TIFF,
# PNG, WebP; IIM in UTF-8 and undeclared CP949, XMP ko/en Lang Alt,
# EXIF, GPS, serials, every rights field) read by `tearsheet meta
# --json` and compared with `exiftool -j` field by field; then built
# into a site and every derivative read back by exiftool
# (tests/fresh_meta_reference.py). Needs no ../shared: this is the
# fidelity check a fresh clone can run. Skipped (77) without exiftool
# or vips; a failure under CI=true.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND AND TARGET tearsheet)
  add_test(NAME fresh_meta_reference
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fresh_meta_reference.py
            --binary $<TARGET_FILE:tearsheet>)
  set_tests_properties(fresh_meta_reference PROPERTIES TIMEOUT 900)
endif()
