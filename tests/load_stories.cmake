# The stories' load (src/site/build.c, tests/load_stories.sh): read on
# two threads, reported in name order — each message's text and place.
if(TARGET tearsheet)
  add_test(NAME load_stories
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/load_stories.sh $<TARGET_FILE:tearsheet>)
  set_tests_properties(load_stories PROPERTIES TIMEOUT 120)
endif()
