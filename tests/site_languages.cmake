# site_languages: a site in English and Korean (site.yaml `languages:`)
# built from photos written here by vips and exiftool — Lang Alt in both,
# x-default only, IIM only — and its pages checked: captions by language
# with lang= on fallbacks, hreflang both ways and in the sitemap, the
# switcher, dates, a Korean feed, incremental rebuilds
# (tests/site_languages.py). Needs no ../shared. Skipped (77) without
# exiftool or vips; a failure under CI=true.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_FOUND AND TARGET tearsheet)
  add_test(NAME site_languages
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/site_languages.py
            $<TARGET_FILE:tearsheet>)
  set_tests_properties(site_languages PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()
