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
