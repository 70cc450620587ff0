# Golden pages of a small site, built by the real binary.
if(TARGET tearsheet)
  add_test(NAME golden_site
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/golden_site.sh $<TARGET_FILE:tearsheet> ${CMAKE_SOURCE_DIR})
endif()
