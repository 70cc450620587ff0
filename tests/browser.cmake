# Browser suite: the licence inquiry in Debian's headless Chromium,
# driven by playwright-core (tools/browser/, installed with `npm ci`
# there). Without chromium, node or playwright-core the test says
# Skipped (tests/lib/skip.sh; a failure under CI=true).
find_program(TS_NODE node)
find_program(TS_CHROMIUM chromium PATHS /usr/bin NO_DEFAULT_PATH)
if(TARGET tearsheet AND TARGET standin)
  set(ts_playwright ${CMAKE_SOURCE_DIR}/tools/browser/node_modules/playwright-core/package.json)
  if(TS_NODE AND TS_CHROMIUM AND EXISTS ${ts_playwright})
    add_test(NAME browser_license_flow
             COMMAND ${TS_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/license_flow.mjs
                     $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR})
    set_tests_properties(browser_license_flow PROPERTIES TIMEOUT 300)
  else()
    set(ts_why "needs node, /usr/bin/chromium and playwright-core (npm ci in tools/browser)")
    message(STATUS "browser_license_flow skipped: ${ts_why}")
    add_test(NAME browser_license_flow
             COMMAND bash -c ". ${CMAKE_CURRENT_SOURCE_DIR}/lib/skip.sh && ts_skip '${ts_why}'")
  endif()
endif()
# Suites on the built example site (tests/browser/example_site.mjs):
# axe_pages, the accessibility gate (issue 12): axe-core in Chromium on
# every page type, light and dark; languages (issue 13): the Korean
# pages — captions from the photos' ko Lang Alt, hreflang, the switcher,
# Hangul drawn by a font that has it, axe-core. A missing prerequisite
# (node, chromium, playwright-core or axe-core) is a skip (77), a
# failure under CI=true; the script says which.
if(TARGET tearsheet AND TARGET standin)
  foreach(ts_suite axe_pages languages)
    if(TS_NODE)
      add_test(NAME browser_${ts_suite}
               COMMAND ${TS_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/browser/${ts_suite}.mjs
                       $<TARGET_FILE:tearsheet> $<TARGET_FILE:standin> ${CMAKE_SOURCE_DIR})
    else()
      add_test(NAME browser_${ts_suite}
               COMMAND bash -c ". ${CMAKE_CURRENT_SOURCE_DIR}/lib/skip.sh && ts_skip 'browser_${ts_suite} needs node'")
    endif()
    set_tests_properties(browser_${ts_suite} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
  endforeach()
endif()
